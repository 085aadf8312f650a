package cgroups

//lint:file-ignore SA1019 the tests set the deprecated memory.kernel to check it is dropped

import (
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/opencontainers/cgroups"
	devices "github.com/opencontainers/cgroups/devices/config"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func ptr[T any](v T) *T { return &v }

// baseline is what Resources gives for an empty linux.resources: the device rules alone.
func baseline(t *testing.T) cgroups.Resources {
	t.Helper()
	r, err := Resources(nil)
	if err != nil {
		t.Fatalf("Resources(nil): %v", err)
	}
	return *r
}

// TestResourcesFields converts one field at a time and compares the whole result with the
// baseline plus the expected change, so a field landing in the wrong place also fails.
func TestResourcesFields(t *testing.T) {
	tests := []struct {
		name string
		in   specs.LinuxResources
		want func(r *cgroups.Resources)
	}{
		{"memory.limit", specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: ptr[int64](1 << 30)}},
			func(r *cgroups.Resources) { r.Memory = 1 << 30 }},
		{"memory.limit unlimited", specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: ptr[int64](-1)}},
			func(r *cgroups.Resources) { r.Memory = -1 }},
		{"memory.reservation", specs.LinuxResources{Memory: &specs.LinuxMemory{Reservation: ptr[int64](1 << 20)}},
			func(r *cgroups.Resources) { r.MemoryReservation = 1 << 20 }},
		{"memory.reservation below limit", specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: ptr[int64](200), Reservation: ptr[int64](100)}},
			func(r *cgroups.Resources) { r.Memory, r.MemoryReservation = 200, 100 }},
		{"memory.reservation with unlimited memory", specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: ptr[int64](-1), Reservation: ptr[int64](100)}},
			func(r *cgroups.Resources) { r.Memory, r.MemoryReservation = -1, 100 }},
		{"memory.swap with limit", specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: ptr[int64](100 << 20), Swap: ptr[int64](200 << 20)}},
			func(r *cgroups.Resources) { r.Memory, r.MemorySwap = 100<<20, 200<<20 }},
		{"memory.swap equal to limit", specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: ptr[int64](100), Swap: ptr[int64](100)}},
			func(r *cgroups.Resources) { r.Memory, r.MemorySwap = 100, 100 }},
		{"memory.swap unlimited", specs.LinuxResources{Memory: &specs.LinuxMemory{Swap: ptr[int64](-1)}},
			func(r *cgroups.Resources) { r.MemorySwap = -1 }},
		{"memory.swap with unlimited memory", specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: ptr[int64](-1), Swap: ptr[int64](1 << 20)}},
			func(r *cgroups.Resources) { r.Memory, r.MemorySwap = -1, 1<<20 }},
		{"memory.swappiness", specs.LinuxResources{Memory: &specs.LinuxMemory{Swappiness: ptr[uint64](60)}},
			func(r *cgroups.Resources) { r.MemorySwappiness = ptr[uint64](60) }},
		{"memory.swappiness 0", specs.LinuxResources{Memory: &specs.LinuxMemory{Swappiness: ptr[uint64](0)}},
			func(r *cgroups.Resources) { r.MemorySwappiness = ptr[uint64](0) }},
		{"memory.disableOOMKiller", specs.LinuxResources{Memory: &specs.LinuxMemory{DisableOOMKiller: ptr(true)}},
			func(r *cgroups.Resources) { r.OomKillDisable = true }},
		{"memory.disableOOMKiller false", specs.LinuxResources{Memory: &specs.LinuxMemory{DisableOOMKiller: ptr(false)}},
			func(r *cgroups.Resources) {}},
		{"memory.checkBeforeUpdate", specs.LinuxResources{Memory: &specs.LinuxMemory{CheckBeforeUpdate: ptr(true)}},
			func(r *cgroups.Resources) { r.MemoryCheckBeforeUpdate = true }},
		{"memory.kernel, kernelTCP, useHierarchy are dropped", specs.LinuxResources{Memory: &specs.LinuxMemory{
			Kernel: ptr[int64](1 << 20), KernelTCP: ptr[int64](1 << 20), UseHierarchy: ptr(false)}},
			func(r *cgroups.Resources) {}},

		{"cpu.shares sets the v2 weight too", specs.LinuxResources{CPU: &specs.LinuxCPU{Shares: ptr[uint64](1024)}},
			func(r *cgroups.Resources) { r.CpuShares, r.CpuWeight = 1024, 100 }},
		{"cpu.shares minimum", specs.LinuxResources{CPU: &specs.LinuxCPU{Shares: ptr[uint64](2)}},
			func(r *cgroups.Resources) { r.CpuShares, r.CpuWeight = 2, 1 }},
		{"cpu.shares maximum", specs.LinuxResources{CPU: &specs.LinuxCPU{Shares: ptr[uint64](262144)}},
			func(r *cgroups.Resources) { r.CpuShares, r.CpuWeight = 262144, 10000 }},
		{"cpu.shares 0 leaves the default", specs.LinuxResources{CPU: &specs.LinuxCPU{Shares: ptr[uint64](0)}},
			func(r *cgroups.Resources) {}},
		{"cpu.quota", specs.LinuxResources{CPU: &specs.LinuxCPU{Quota: ptr[int64](50000)}},
			func(r *cgroups.Resources) { r.CpuQuota = 50000 }},
		{"cpu.quota unlimited", specs.LinuxResources{CPU: &specs.LinuxCPU{Quota: ptr[int64](-1)}},
			func(r *cgroups.Resources) { r.CpuQuota = -1 }},
		{"cpu.period", specs.LinuxResources{CPU: &specs.LinuxCPU{Period: ptr[uint64](100000)}},
			func(r *cgroups.Resources) { r.CpuPeriod = 100000 }},
		{"cpu.burst", specs.LinuxResources{CPU: &specs.LinuxCPU{Quota: ptr[int64](50000), Burst: ptr[uint64](50000)}},
			func(r *cgroups.Resources) { r.CpuQuota, r.CpuBurst = 50000, ptr[uint64](50000) }},
		{"cpu.realtimeRuntime and realtimePeriod", specs.LinuxResources{CPU: &specs.LinuxCPU{
			RealtimeRuntime: ptr[int64](950000), RealtimePeriod: ptr[uint64](1000000)}},
			func(r *cgroups.Resources) { r.CpuRtRuntime, r.CpuRtPeriod = 950000, 1000000 }},
		{"cpu.cpus", specs.LinuxResources{CPU: &specs.LinuxCPU{Cpus: "0-1,3,8-15:2/4"}},
			func(r *cgroups.Resources) { r.CpusetCpus = "0-1,3,8-15:2/4" }},
		{"cpu.mems", specs.LinuxResources{CPU: &specs.LinuxCPU{Mems: "0"}},
			func(r *cgroups.Resources) { r.CpusetMems = "0" }},
		{"cpu.idle", specs.LinuxResources{CPU: &specs.LinuxCPU{Idle: ptr[int64](1)}},
			func(r *cgroups.Resources) { r.CPUIdle = ptr[int64](1) }},

		{"pids.limit", specs.LinuxResources{Pids: &specs.LinuxPids{Limit: ptr[int64](100)}},
			func(r *cgroups.Resources) { r.PidsLimit = ptr[int64](100) }},
		{"pids.limit unlimited", specs.LinuxResources{Pids: &specs.LinuxPids{Limit: ptr[int64](-1)}},
			func(r *cgroups.Resources) { r.PidsLimit = ptr[int64](-1) }},
		{"pids.limit 0 is a limit", specs.LinuxResources{Pids: &specs.LinuxPids{Limit: ptr[int64](0)}},
			func(r *cgroups.Resources) { r.PidsLimit = ptr[int64](0) }},
		{"pids without limit", specs.LinuxResources{Pids: &specs.LinuxPids{}},
			func(r *cgroups.Resources) {}},

		{"blockIO.weight and leafWeight", specs.LinuxResources{BlockIO: &specs.LinuxBlockIO{
			Weight: ptr[uint16](500), LeafWeight: ptr[uint16](300)}},
			func(r *cgroups.Resources) { r.BlkioWeight, r.BlkioLeafWeight = 500, 300 }},
		{"blockIO.weightDevice", specs.LinuxResources{BlockIO: &specs.LinuxBlockIO{WeightDevice: []specs.LinuxWeightDevice{
			{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 8, Minor: 0}, Weight: ptr[uint16](500), LeafWeight: ptr[uint16](300)},
			{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 8, Minor: 16}, Weight: ptr[uint16](10)},
		}}},
			func(r *cgroups.Resources) {
				r.BlkioWeightDevice = []*cgroups.WeightDevice{
					cgroups.NewWeightDevice(8, 0, 500, 300), cgroups.NewWeightDevice(8, 16, 10, 0)}
			}},
		{"blockIO throttles", specs.LinuxResources{BlockIO: &specs.LinuxBlockIO{
			ThrottleReadBpsDevice:   []specs.LinuxThrottleDevice{{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 8, Minor: 0}, Rate: 600}},
			ThrottleWriteBpsDevice:  []specs.LinuxThrottleDevice{{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 8, Minor: 1}, Rate: 700}},
			ThrottleReadIOPSDevice:  []specs.LinuxThrottleDevice{{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 8, Minor: 2}, Rate: 80}},
			ThrottleWriteIOPSDevice: []specs.LinuxThrottleDevice{{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 8, Minor: 3}, Rate: 90}},
		}},
			func(r *cgroups.Resources) {
				r.BlkioThrottleReadBpsDevice = []*cgroups.ThrottleDevice{cgroups.NewThrottleDevice(8, 0, 600)}
				r.BlkioThrottleWriteBpsDevice = []*cgroups.ThrottleDevice{cgroups.NewThrottleDevice(8, 1, 700)}
				r.BlkioThrottleReadIOPSDevice = []*cgroups.ThrottleDevice{cgroups.NewThrottleDevice(8, 2, 80)}
				r.BlkioThrottleWriteIOPSDevice = []*cgroups.ThrottleDevice{cgroups.NewThrottleDevice(8, 3, 90)}
			}},

		{"hugepageLimits", specs.LinuxResources{HugepageLimits: []specs.LinuxHugepageLimit{
			{Pagesize: "2MB", Limit: 209715200}, {Pagesize: "64KB", Limit: 1000000}}},
			func(r *cgroups.Resources) {
				r.HugetlbLimit = []*cgroups.HugepageLimit{{Pagesize: "2MB", Limit: 209715200}, {Pagesize: "64KB", Limit: 1000000}}
			}},

		{"network.classID", specs.LinuxResources{Network: &specs.LinuxNetwork{ClassID: ptr[uint32](1048577)}},
			func(r *cgroups.Resources) { r.NetClsClassid = 1048577 }},
		{"network.priorities", specs.LinuxResources{Network: &specs.LinuxNetwork{Priorities: []specs.LinuxInterfacePriority{
			{Name: "eth0", Priority: 500}, {Name: "eth1", Priority: 1000}}}},
			func(r *cgroups.Resources) {
				r.NetPrioIfpriomap = []*cgroups.IfPrioMap{{Interface: "eth0", Priority: 500}, {Interface: "eth1", Priority: 1000}}
			}},

		{"rdma", specs.LinuxResources{Rdma: map[string]specs.LinuxRdma{
			"mlx5_1": {HcaHandles: ptr[uint32](3), HcaObjects: ptr[uint32](10000)}, "mlx4_0": {HcaObjects: ptr[uint32](1000)}}},
			func(r *cgroups.Resources) {
				r.Rdma = map[string]cgroups.LinuxRdma{
					"mlx5_1": {HcaHandles: ptr[uint32](3), HcaObjects: ptr[uint32](10000)}, "mlx4_0": {HcaObjects: ptr[uint32](1000)}}
			}},

		{"unified", specs.LinuxResources{Unified: map[string]string{"memory.high": "1G", "cgroup.max.depth": "3"}},
			func(r *cgroups.Resources) {
				r.Unified = map[string]string{"memory.high": "1G", "cgroup.max.depth": "3"}
			}},
		{"empty unified stays nil for the v1 managers", specs.LinuxResources{Unified: map[string]string{}},
			func(r *cgroups.Resources) {}},

		{"devices go between deny-all and the defaults", specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{
			{Allow: true, Type: "c", Major: ptr[int64](10), Minor: ptr[int64](229), Access: "rw"}}},
			func(r *cgroups.Resources) {
				rule := &devices.Rule{Type: 'c', Major: 10, Minor: 229, Permissions: "rw", Allow: true}
				r.Devices = append([]*devices.Rule{r.Devices[0], rule}, r.Devices[1:]...)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Resources(&tt.in)
			if err != nil {
				t.Fatalf("Resources: %v", err)
			}
			want := baseline(t)
			tt.want(&want)
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("got  %+v\nwant %+v", *got, want)
			}
		})
	}
}

func TestResourcesErrors(t *testing.T) {
	tests := []struct {
		name string
		in   specs.LinuxResources
		want string // the whole message
	}{
		{"memory.limit below -1", specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: ptr[int64](-2)}},
			"linux.resources.memory.limit -2: must be -1 (unlimited) or a number of bytes"},
		{"memory.reservation below -1", specs.LinuxResources{Memory: &specs.LinuxMemory{Reservation: ptr[int64](-7)}},
			"linux.resources.memory.reservation -7: must be -1 (unlimited) or a number of bytes"},
		{"memory.swap below -1", specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: ptr[int64](100), Swap: ptr[int64](-5)}},
			"linux.resources.memory.swap -5: must be -1 (unlimited) or at least linux.resources.memory.limit"},
		{"memory.swap below limit", specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: ptr[int64](200), Swap: ptr[int64](100)}},
			"linux.resources.memory.swap 100: must be -1 (unlimited) or at least linux.resources.memory.limit (200): swap counts memory plus swap"},
		{"memory.swap without limit", specs.LinuxResources{Memory: &specs.LinuxMemory{Swap: ptr[int64](100)}},
			"linux.resources.memory.swap 100: needs linux.resources.memory.limit, or must be -1 (unlimited)"},
		{"memory.swappiness above 100", specs.LinuxResources{Memory: &specs.LinuxMemory{Swappiness: ptr[uint64](101)}},
			"linux.resources.memory.swappiness 101: want 0 to 100"},

		{"cpu.shares below 2", specs.LinuxResources{CPU: &specs.LinuxCPU{Shares: ptr[uint64](1)}},
			"linux.resources.cpu.shares 1: want 2 to 262144"},
		{"cpu.shares above the v1 maximum", specs.LinuxResources{CPU: &specs.LinuxCPU{Shares: ptr[uint64](262145)}},
			"linux.resources.cpu.shares 262145: want 2 to 262144"},
		{"cpu.quota below -1", specs.LinuxResources{CPU: &specs.LinuxCPU{Quota: ptr[int64](-2)}},
			"linux.resources.cpu.quota -2: must be -1 (unlimited) or at least 1000 (µs)"},
		{"cpu.quota below 1ms", specs.LinuxResources{CPU: &specs.LinuxCPU{Quota: ptr[int64](999)}},
			"linux.resources.cpu.quota 999: must be -1 (unlimited) or at least 1000 (µs)"},
		{"cpu.period too short", specs.LinuxResources{CPU: &specs.LinuxCPU{Period: ptr[uint64](999)}},
			"linux.resources.cpu.period 999: want 1000 to 1000000 (µs)"},
		{"cpu.period too long", specs.LinuxResources{CPU: &specs.LinuxCPU{Period: ptr[uint64](1000001)}},
			"linux.resources.cpu.period 1000001: want 1000 to 1000000 (µs)"},
		{"cpu.burst above quota", specs.LinuxResources{CPU: &specs.LinuxCPU{Quota: ptr[int64](5000), Burst: ptr[uint64](5001)}},
			"linux.resources.cpu.burst 5001: must not exceed linux.resources.cpu.quota (5000)"},
		{"cpu.realtimeRuntime below -1", specs.LinuxResources{CPU: &specs.LinuxCPU{RealtimeRuntime: ptr[int64](-3)}},
			"linux.resources.cpu.realtimeRuntime -3: must be -1 (unlimited) or at least 0 (µs)"},
		{"cpu.realtimeRuntime above period", specs.LinuxResources{CPU: &specs.LinuxCPU{
			RealtimeRuntime: ptr[int64](2000), RealtimePeriod: ptr[uint64](1000)}},
			"linux.resources.cpu.realtimeRuntime 2000: must not exceed linux.resources.cpu.realtimePeriod (1000)"},
		{"cpu.cpus open range", specs.LinuxResources{CPU: &specs.LinuxCPU{Cpus: "0-"}},
			`linux.resources.cpu.cpus "0-": invalid cpu list (want e.g. 0-3,6)`},
		{"cpu.cpus reversed range", specs.LinuxResources{CPU: &specs.LinuxCPU{Cpus: "3-1"}},
			`linux.resources.cpu.cpus "3-1": invalid cpu list (want e.g. 0-3,6)`},
		{"cpu.cpus empty item", specs.LinuxResources{CPU: &specs.LinuxCPU{Cpus: "0,,1"}},
			`linux.resources.cpu.cpus "0,,1": invalid cpu list (want e.g. 0-3,6)`},
		{"cpu.cpus bad stride", specs.LinuxResources{CPU: &specs.LinuxCPU{Cpus: "0-7:3/2"}},
			`linux.resources.cpu.cpus "0-7:3/2": invalid cpu list (want e.g. 0-3,6)`},
		{"cpu.mems not a number", specs.LinuxResources{CPU: &specs.LinuxCPU{Mems: "x"}},
			`linux.resources.cpu.mems "x": invalid memory node list (want e.g. 0-1,3)`},
		{"cpu.idle 2", specs.LinuxResources{CPU: &specs.LinuxCPU{Idle: ptr[int64](2)}},
			"linux.resources.cpu.idle 2: want 0 or 1 (SCHED_IDLE)"},

		{"pids.limit below -1", specs.LinuxResources{Pids: &specs.LinuxPids{Limit: ptr[int64](-2)}},
			"linux.resources.pids.limit -2: must be -1 (unlimited) or at least 0"},

		{"blockIO.weight too low", specs.LinuxResources{BlockIO: &specs.LinuxBlockIO{Weight: ptr[uint16](9)}},
			"linux.resources.blockIO.weight 9: want 10 to 1000"},
		{"blockIO.leafWeight too high", specs.LinuxResources{BlockIO: &specs.LinuxBlockIO{LeafWeight: ptr[uint16](1001)}},
			"linux.resources.blockIO.leafWeight 1001: want 10 to 1000"},
		{"blockIO.weightDevice without weights", specs.LinuxResources{BlockIO: &specs.LinuxBlockIO{
			WeightDevice: []specs.LinuxWeightDevice{{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 8}}}}},
			"linux.resources.blockIO.weightDevice[0]: set weight, leafWeight or both"},
		{"blockIO.weightDevice weight out of range", specs.LinuxResources{BlockIO: &specs.LinuxBlockIO{
			WeightDevice: []specs.LinuxWeightDevice{{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: 8}, LeafWeight: ptr[uint16](5)}}}},
			"linux.resources.blockIO.weightDevice[0].leafWeight 5: want 10 to 1000"},
		{"blockIO.weightDevice negative major", specs.LinuxResources{BlockIO: &specs.LinuxBlockIO{
			WeightDevice: []specs.LinuxWeightDevice{{LinuxBlockIODevice: specs.LinuxBlockIODevice{Major: -1}, Weight: ptr[uint16](50)}}}},
			"linux.resources.blockIO.weightDevice[0].major -1: want a device number, 0 or more"},
		{"blockIO throttle negative minor", specs.LinuxResources{BlockIO: &specs.LinuxBlockIO{
			ThrottleWriteIOPSDevice: []specs.LinuxThrottleDevice{{}, {LinuxBlockIODevice: specs.LinuxBlockIODevice{Minor: -4}}}}},
			"linux.resources.blockIO.throttleWriteIOPSDevice[1].minor -4: want a device number, 0 or more"},

		{"hugepageLimits pageSize without B", specs.LinuxResources{HugepageLimits: []specs.LinuxHugepageLimit{{Pagesize: "2MB"}, {Pagesize: "2M"}}},
			`linux.resources.hugepageLimits[1].pageSize "2M": want a size like 64KB, 2MB or 1GB`},
		{"hugepageLimits pageSize path", specs.LinuxResources{HugepageLimits: []specs.LinuxHugepageLimit{{Pagesize: "../2MB"}}},
			`linux.resources.hugepageLimits[0].pageSize "../2MB": want a size like 64KB, 2MB or 1GB`},

		{"network.priorities empty name", specs.LinuxResources{Network: &specs.LinuxNetwork{Priorities: []specs.LinuxInterfacePriority{{Priority: 1}}}},
			`linux.resources.network.priorities[0].name "": want a network interface name`},
		{"network.priorities name with space", specs.LinuxResources{Network: &specs.LinuxNetwork{Priorities: []specs.LinuxInterfacePriority{{Name: "eth0 9"}}}},
			`linux.resources.network.priorities[0].name "eth0 9": want a network interface name`},

		{"rdma without limits", specs.LinuxResources{Rdma: map[string]specs.LinuxRdma{"mlx5_1": {}}},
			`linux.resources.rdma["mlx5_1"]: set hcaHandles, hcaObjects or both`},
		{"rdma empty device", specs.LinuxResources{Rdma: map[string]specs.LinuxRdma{"": {HcaHandles: ptr[uint32](1)}}},
			`linux.resources.rdma[""]: want an RDMA device name`},

		{"unified key with slash", specs.LinuxResources{Unified: map[string]string{"../memory.max": "1"}},
			`linux.resources.unified["../memory.max"]: want a file name of the form controller.parameter`},
		{"unified key without dot", specs.LinuxResources{Unified: map[string]string{"memory": "1"}},
			`linux.resources.unified["memory"]: want a file name of the form controller.parameter`},

		{"devices type", specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{{}, {}, {Type: "x"}}},
			`linux.resources.devices[2].type "x": want a, b or c`},
		{"devices access", specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{{Access: "rwx"}}},
			`linux.resources.devices[0].access "rwx": want letters from r, w and m`},
		{"devices major", specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{{Type: "c", Major: ptr[int64](-1)}}},
			"linux.resources.devices[0].major -1: want 0 to 4294967295, or leave it unset for all"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := Resources(&tt.in)
			if err == nil {
				t.Fatalf("Resources = %+v, want error %q", got, tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error\n got %q\nwant %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "linux.resources.") {
				t.Errorf("error %q does not start with the field's JSON path", err)
			}
		})
	}
}

// TestIsHugepageSize: the runtime-spec's ^[1-9][0-9]*[KMGTPE]?B$, checked by hand.
func TestIsHugepageSize(t *testing.T) {
	re := regexp.MustCompile(`^[1-9][0-9]*[KMGTPE]?B$`)
	for _, s := range []string{
		"2MB", "1GB", "64KB", "4B", "16B", "100PB", "7EB",
		"", "B", "MB", "0MB", "02MB", "2mb", "2M", "2MBB", "2KMB", "-2MB", "2 MB", "1.5GB", "2MiB", "2XB", "٣MB",
	} {
		if got, want := isHugepageSize(s), re.MatchString(s); got != want {
			t.Errorf("isHugepageSize(%q) = %v, want %v", s, got, want)
		}
	}
}
