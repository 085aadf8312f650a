package cgroups

//lint:file-ignore SA1019 the tests set the deprecated memory.kernel to check it is dropped

import (
	"reflect"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestWarnings(t *testing.T) {
	tests := []struct {
		name      string
		r         *specs.LinuxResources
		available map[string]bool
		want      []string
	}{
		{"nil", nil, v2All, nil},
		{"defaults of dropped fields say nothing", &specs.LinuxResources{Memory: &specs.LinuxMemory{
			Kernel: ptr[int64](-1), KernelTCP: ptr[int64](-1), UseHierarchy: ptr(true)}}, v1All, nil},
		{"memory.kernel", &specs.LinuxResources{Memory: &specs.LinuxMemory{Kernel: ptr[int64](1 << 20)}}, v1All,
			[]string{"linux.resources.memory.kernel: ignored: kernel memory limits are deprecated since Linux 5.4 and cgroup v2 has none"}},
		{"memory.kernelTCP", &specs.LinuxResources{Memory: &specs.LinuxMemory{KernelTCP: ptr[int64](1 << 20)}}, v1All,
			[]string{"linux.resources.memory.kernelTCP: ignored: the cgroups library berth uses cannot set kernel TCP buffer limits (cgroup v2 counts them in memory.max)"}},
		{"memory.useHierarchy false", &specs.LinuxResources{Memory: &specs.LinuxMemory{UseHierarchy: ptr(false)}}, v1All,
			[]string{"linux.resources.memory.useHierarchy false: ignored: current kernels always account memory hierarchically"}},
		{"v1-only fields on v1 say nothing", v1OnlyFields(), v1All, nil},
		{"v1-only fields on v2", v1OnlyFields(), v2All, []string{
			"linux.resources.memory.swappiness: ignored: cgroup v2 has no per-cgroup swappiness",
			"linux.resources.memory.disableOOMKiller: ignored: cgroup v2 cannot disable the OOM killer",
			"linux.resources.cpu.realtimeRuntime, realtimePeriod: ignored: cgroup v2 has no realtime CPU limits",
			"linux.resources.blockIO leafWeight: ignored: cgroup v2 has no leaf weights",
		}},
		{"leaf weight of a device on v2", &specs.LinuxResources{BlockIO: &specs.LinuxBlockIO{WeightDevice: []specs.LinuxWeightDevice{
			{Weight: ptr[uint16](10)}, {LeafWeight: ptr[uint16](10)}}}}, v2All,
			[]string{"linux.resources.blockIO leafWeight: ignored: cgroup v2 has no leaf weights"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Warnings(tt.r, tt.available); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got  %q\nwant %q", got, tt.want)
			}
		})
	}
}

func v1OnlyFields() *specs.LinuxResources {
	return &specs.LinuxResources{
		Memory:  &specs.LinuxMemory{Swappiness: ptr[uint64](10), DisableOOMKiller: ptr(true)},
		CPU:     &specs.LinuxCPU{RealtimePeriod: ptr[uint64](1000)},
		BlockIO: &specs.LinuxBlockIO{LeafWeight: ptr[uint16](100)},
	}
}
