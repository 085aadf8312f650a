package container

import specs "github.com/opencontainers/runtime-spec/specs-go"

// mergeResources returns cur with the fields that upd sets laid over it; neither is changed.
// Like `runc update`, a field left out of upd keeps its value, and so does a number the cgroup
// library reads as "unset" (0 for memory sizes, CPU shares, quota, periods and block IO
// weights), a cpuset list given as "" and an empty list of devices. upd's devices are ignored.
func mergeResources(cur, upd *specs.LinuxResources) *specs.LinuxResources {
	out := cloneResources(cur)
	if out == nil {
		out = &specs.LinuxResources{}
	}
	if upd == nil {
		return out
	}
	mergeMemory(out, upd.Memory)
	mergeCPU(out, upd.CPU)
	if upd.Pids != nil && upd.Pids.Limit != nil {
		out.Pids = &specs.LinuxPids{Limit: ptr(*upd.Pids.Limit)}
	}
	mergeBlockIO(out, upd.BlockIO)
	out.HugepageLimits = mergeHugepages(out.HugepageLimits, upd.HugepageLimits)
	mergeNetwork(out, upd.Network)
	out.Rdma = mergeMap(out.Rdma, upd.Rdma)
	out.Unified = mergeMap(out.Unified, upd.Unified)
	return out
}

func mergeMemory(out *specs.LinuxResources, m *specs.LinuxMemory) {
	if m == nil {
		return
	}
	if out.Memory == nil {
		out.Memory = &specs.LinuxMemory{}
	}
	o := out.Memory
	setNonZero(&o.Limit, m.Limit)
	setNonZero(&o.Reservation, m.Reservation)
	setNonZero(&o.Swap, m.Swap)
	// memory.kernel is deprecated and never applied (cgroups.Warnings says so): not kept either.
	setNonZero(&o.KernelTCP, m.KernelTCP)
	set(&o.Swappiness, m.Swappiness)
	set(&o.DisableOOMKiller, m.DisableOOMKiller)
	set(&o.UseHierarchy, m.UseHierarchy)
	set(&o.CheckBeforeUpdate, m.CheckBeforeUpdate)
}

func mergeCPU(out *specs.LinuxResources, c *specs.LinuxCPU) {
	if c == nil {
		return
	}
	if out.CPU == nil {
		out.CPU = &specs.LinuxCPU{}
	}
	o := out.CPU
	setNonZero(&o.Shares, c.Shares)
	setNonZero(&o.Quota, c.Quota)
	set(&o.Burst, c.Burst)
	setNonZero(&o.Period, c.Period)
	setNonZero(&o.RealtimeRuntime, c.RealtimeRuntime)
	setNonZero(&o.RealtimePeriod, c.RealtimePeriod)
	if c.Cpus != "" {
		o.Cpus = c.Cpus
	}
	if c.Mems != "" {
		o.Mems = c.Mems
	}
	set(&o.Idle, c.Idle)
}

func mergeBlockIO(out *specs.LinuxResources, b *specs.LinuxBlockIO) {
	if b == nil {
		return
	}
	if out.BlockIO == nil {
		out.BlockIO = &specs.LinuxBlockIO{}
	}
	o := out.BlockIO
	setNonZero(&o.Weight, b.Weight)
	setNonZero(&o.LeafWeight, b.LeafWeight)
	// Per-device lists are replaced as a whole when given.
	if len(b.WeightDevice) > 0 {
		o.WeightDevice = b.WeightDevice
	}
	if len(b.ThrottleReadBpsDevice) > 0 {
		o.ThrottleReadBpsDevice = b.ThrottleReadBpsDevice
	}
	if len(b.ThrottleWriteBpsDevice) > 0 {
		o.ThrottleWriteBpsDevice = b.ThrottleWriteBpsDevice
	}
	if len(b.ThrottleReadIOPSDevice) > 0 {
		o.ThrottleReadIOPSDevice = b.ThrottleReadIOPSDevice
	}
	if len(b.ThrottleWriteIOPSDevice) > 0 {
		o.ThrottleWriteIOPSDevice = b.ThrottleWriteIOPSDevice
	}
}

// mergeHugepages replaces the limit of each page size that upd names and keeps the others.
func mergeHugepages(cur, upd []specs.LinuxHugepageLimit) []specs.LinuxHugepageLimit {
	for _, u := range upd {
		replaced := false
		for i := range cur {
			if cur[i].Pagesize == u.Pagesize {
				cur[i].Limit, replaced = u.Limit, true
			}
		}
		if !replaced {
			cur = append(cur, u)
		}
	}
	return cur
}

func mergeNetwork(out *specs.LinuxResources, n *specs.LinuxNetwork) {
	if n == nil {
		return
	}
	if out.Network == nil {
		out.Network = &specs.LinuxNetwork{}
	}
	set(&out.Network.ClassID, n.ClassID)
	if len(n.Priorities) > 0 {
		out.Network.Priorities = n.Priorities
	}
}

func mergeMap[V any](cur, upd map[string]V) map[string]V {
	if len(upd) == 0 {
		return cur
	}
	if cur == nil {
		cur = make(map[string]V, len(upd))
	}
	for k, v := range upd {
		cur[k] = v
	}
	return cur
}

// set copies *src into a new value of *dst when src is given.
func set[T any](dst **T, src *T) {
	if src != nil {
		*dst = ptr(*src)
	}
}

// setNonZero is set for fields whose zero value the cgroup library reads as "unset".
func setNonZero[T comparable](dst **T, src *T) {
	var zero T
	if src != nil && *src != zero {
		*dst = ptr(*src)
	}
}

func ptr[T any](v T) *T { return &v }
