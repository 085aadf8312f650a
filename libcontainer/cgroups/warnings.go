package cgroups

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Warnings lists the linux.resources fields that berth will not apply although the config sets
// them to something other than the kernel's default, one sentence each, for the caller to log:
// those the library has no field for, and on a cgroup v2 host (available from
// AvailableControllers holds UnifiedHierarchy) those v2 has no file for, which the library's
// v2 managers skip silently. They are warnings, not errors: configs written for v1 (swappiness,
// disableOOMKiller) must still run on v2 hosts, as they do with runtimes built on this library.
func Warnings(r *specs.LinuxResources, available map[string]bool) []string {
	if r == nil {
		return nil
	}
	w := droppedMemoryFields(derefOr(r.Memory))
	if available[UnifiedHierarchy] {
		w = append(w, v2IgnoredFields(r)...)
	}
	return w
}

func droppedMemoryFields(m specs.LinuxMemory) []string {
	var w []string
	//lint:ignore SA1019 read only to warn that berth ignores it
	if m.Kernel != nil && *m.Kernel != -1 {
		w = append(w, "linux.resources.memory.kernel: ignored: kernel memory limits are deprecated "+
			"since Linux 5.4 and cgroup v2 has none")
	}
	if m.KernelTCP != nil && *m.KernelTCP != -1 {
		w = append(w, "linux.resources.memory.kernelTCP: ignored: the cgroups library berth uses "+
			"cannot set kernel TCP buffer limits (cgroup v2 counts them in memory.max)")
	}
	if m.UseHierarchy != nil && !*m.UseHierarchy {
		w = append(w, "linux.resources.memory.useHierarchy false: ignored: current kernels always "+
			"account memory hierarchically")
	}
	return w
}

func v2IgnoredFields(r *specs.LinuxResources) []string {
	m, c, b := derefOr(r.Memory), derefOr(r.CPU), derefOr(r.BlockIO)
	leafWeight := b.LeafWeight != nil
	for _, d := range b.WeightDevice {
		leafWeight = leafWeight || d.LeafWeight != nil
	}
	var w []string
	for _, f := range []struct {
		set  bool
		text string
	}{
		{m.Swappiness != nil, "linux.resources.memory.swappiness: ignored: cgroup v2 has no per-cgroup swappiness"},
		{isTrue(m.DisableOOMKiller), "linux.resources.memory.disableOOMKiller: ignored: cgroup v2 cannot disable the OOM killer"},
		{c.RealtimeRuntime != nil || c.RealtimePeriod != nil,
			"linux.resources.cpu.realtimeRuntime, realtimePeriod: ignored: cgroup v2 has no realtime CPU limits"},
		{leafWeight, "linux.resources.blockIO leafWeight: ignored: cgroup v2 has no leaf weights"},
	} {
		if f.set {
			w = append(w, f.text)
		}
	}
	return w
}
