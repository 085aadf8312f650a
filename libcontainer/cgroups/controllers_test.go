package cgroups

//lint:file-ignore SA1019 the tests set the deprecated memory.kernel to check it is dropped

import (
	"errors"
	"os"
	"reflect"
	"testing"

	"github.com/berth-runtime/berth/libcontainer/internal/testutil"
	"github.com/opencontainers/cgroups"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// set builds a controller set.
func set(names ...string) map[string]bool {
	m := map[string]bool{}
	for _, n := range names {
		m[n] = true
	}
	return m
}

// v1All is a v1 host with every controller; v2All a pure v2 host with every controller.
var (
	v1All = set("cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "blkio", "pids", "hugetlb",
		"net_cls", "net_prio", "rdma", "perf_event", "systemd")
	v2All = v2Controllers("cpuset cpu io memory hugetlb pids rdma misc")
)

func without(all map[string]bool, name string) map[string]bool {
	m := map[string]bool{}
	for k, v := range all {
		if k != name {
			m[k] = v
		}
	}
	return m
}

func TestMissing(t *testing.T) {
	tests := []struct {
		name      string
		r         *specs.LinuxResources
		available map[string]bool
		want      string // "" for no error
	}{
		{"nothing asked, v1", nil, v1All, ""},
		{"everything present, v1", everyResource(false), v1All, ""},
		{"everything present, v2", everyResource(true), v2All, ""},
		{"devices always needed", nil, without(v1All, "devices"),
			"linux.resources.devices: the devices controller is not available on this host"},
		{"memory", &specs.LinuxResources{Memory: &specs.LinuxMemory{Reservation: ptr[int64](1)}}, without(v1All, "memory"),
			"linux.resources.memory.reservation: the memory controller is not available on this host"},
		{"memory fields berth drops need nothing", &specs.LinuxResources{Memory: &specs.LinuxMemory{Kernel: ptr[int64](1)}},
			without(v1All, "memory"), ""},
		{"cpu", &specs.LinuxResources{CPU: &specs.LinuxCPU{Quota: ptr[int64](1000), Shares: ptr[uint64](2)}}, without(v1All, "cpu"),
			"linux.resources.cpu.shares: the cpu controller is not available on this host"},
		{"cpuset", &specs.LinuxResources{CPU: &specs.LinuxCPU{Mems: "0"}}, without(v1All, "cpuset"),
			"linux.resources.cpu.mems: the cpuset controller is not available on this host"},
		{"pids", &specs.LinuxResources{Pids: &specs.LinuxPids{Limit: ptr[int64](5)}}, without(v2All, "pids"),
			"linux.resources.pids.limit: the pids controller is not available on this host"},
		{"pids without limit needs nothing", &specs.LinuxResources{Pids: &specs.LinuxPids{}}, without(v2All, "pids"), ""},
		{"blockIO on v1", &specs.LinuxResources{BlockIO: &specs.LinuxBlockIO{Weight: ptr[uint16](100)}}, without(v1All, "blkio"),
			"linux.resources.blockIO: the blkio controller is not available on this host"},
		{"blockIO on v2", &specs.LinuxResources{BlockIO: &specs.LinuxBlockIO{
			ThrottleReadBpsDevice: []specs.LinuxThrottleDevice{{Rate: 1}}}}, without(v2All, "io"),
			"linux.resources.blockIO: the io controller is not available on this host"},
		{"empty blockIO needs nothing", &specs.LinuxResources{BlockIO: &specs.LinuxBlockIO{}}, without(v1All, "blkio"), ""},
		{"hugetlb", &specs.LinuxResources{HugepageLimits: []specs.LinuxHugepageLimit{{Pagesize: "2MB"}}}, without(v1All, "hugetlb"),
			"linux.resources.hugepageLimits: the hugetlb controller is not available on this host"},
		{"net_cls", &specs.LinuxResources{Network: &specs.LinuxNetwork{ClassID: ptr[uint32](1)}}, without(v1All, "net_cls"),
			"linux.resources.network.classID: the net_cls controller is not available on this host"},
		{"net_prio on v2", &specs.LinuxResources{Network: &specs.LinuxNetwork{
			Priorities: []specs.LinuxInterfacePriority{{Name: "eth0"}}}}, v2All,
			"linux.resources.network.priorities: the net_prio controller is not available on this host"},
		{"rdma", &specs.LinuxResources{Rdma: map[string]specs.LinuxRdma{"mlx4_0": {}}}, without(v2All, "rdma"),
			"linux.resources.rdma: the rdma controller is not available on this host"},
		{"unified on v1", &specs.LinuxResources{Unified: map[string]string{"memory.high": "1"}}, v1All,
			"linux.resources.unified: cgroup v2 files need a pure cgroup v2 host: the cgroup v2 hierarchy is not available on this host"},
		{"unified key of an absent controller", &specs.LinuxResources{Unified: map[string]string{
			"hugetlb.1GB.max": "1", "memory.high": "1", "cgroup.max.depth": "2"}}, without(v2All, "hugetlb"),
			`linux.resources.unified["hugetlb.1GB.max"]: the hugetlb controller is not available on this host`},
		{"several missing, each once", &specs.LinuxResources{
			Memory: &specs.LinuxMemory{Limit: ptr[int64](1), Swap: ptr[int64](2)},
			Pids:   &specs.LinuxPids{Limit: ptr[int64](1)}}, set("devices"),
			"linux.resources.memory.limit: the memory controller is not available on this host; " +
				"linux.resources.pids.limit: the pids controller is not available on this host"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Missing(tt.r, tt.available)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Missing: %v", err)
				}
				return
			}
			if err == nil || err.Error() != tt.want {
				t.Fatalf("error\n got %v\nwant %s", err, tt.want)
			}
			if !errors.Is(err, ErrUnavailable) {
				t.Errorf("error %v does not wrap ErrUnavailable", err)
			}
		})
	}
}

// everyResource sets one field of each kind; v2 picks unified keys, v1 network fields.
func everyResource(v2 bool) *specs.LinuxResources {
	r := &specs.LinuxResources{
		Devices:        []specs.LinuxDeviceCgroup{{Access: "rwm"}},
		Memory:         &specs.LinuxMemory{Limit: ptr[int64](1 << 30)},
		CPU:            &specs.LinuxCPU{Shares: ptr[uint64](512), Cpus: "0"},
		Pids:           &specs.LinuxPids{Limit: ptr[int64](10)},
		BlockIO:        &specs.LinuxBlockIO{Weight: ptr[uint16](100)},
		HugepageLimits: []specs.LinuxHugepageLimit{{Pagesize: "2MB", Limit: 1}},
		Rdma:           map[string]specs.LinuxRdma{"mlx4_0": {HcaHandles: ptr[uint32](1)}},
	}
	if v2 {
		r.Unified = map[string]string{"memory.high": "1G", "misc.max": "res_a 1"}
	} else {
		r.Network = &specs.LinuxNetwork{ClassID: ptr[uint32](1), Priorities: []specs.LinuxInterfacePriority{{Name: "eth0"}}}
	}
	return r
}

func TestV2Controllers(t *testing.T) {
	got := v2Controllers("cpuset cpu io memory pids\n")
	want := set(UnifiedHierarchy, "devices", "freezer", "cpuset", "cpu", "io", "memory", "pids")
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got := v2Controllers(""); !reflect.DeepEqual(got, set(UnifiedHierarchy, "devices", "freezer")) {
		t.Errorf("empty cgroup.controllers: got %v", got)
	}
}

func TestV1Controllers(t *testing.T) {
	got := v1Controllers([]cgroups.Mount{
		{Mountpoint: "/sys/fs/cgroup/cpu,cpuacct", Subsystems: []string{"cpu", "cpuacct"}},
		{Mountpoint: "/sys/fs/cgroup/memory", Subsystems: []string{"memory"}},
		{Mountpoint: "/sys/fs/cgroup/systemd", Subsystems: []string{"systemd"}},
	})
	if want := set("cpu", "cpuacct", "memory", "systemd"); !reflect.DeepEqual(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
}

// TestAvailableControllersHere checks discovery on the machine the tests run on: on the
// project's hybrid host (TESTING.md) hugetlb is bound to an unmounted v1 hierarchy and
// net_cls/net_prio are not mounted, so all three must be absent.
func TestAvailableControllersHere(t *testing.T) {
	testutil.RequireRoot(t)
	got, err := AvailableControllers()
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("available: %v", got)
	if cgroups.IsCgroup2UnifiedMode() {
		for _, c := range []string{UnifiedHierarchy, "devices", "freezer"} {
			if !got[c] {
				t.Errorf("pure v2 host: %s missing from %v", c, got)
			}
		}
		return
	}
	if got[UnifiedHierarchy] {
		t.Errorf("v1/hybrid host reported as pure v2: %v", got)
	}
	for _, c := range []string{"cpu", "memory", "devices", "pids"} {
		if _, err := os.Stat("/sys/fs/cgroup/" + c); err == nil && !got[c] {
			t.Errorf("%s is mounted at /sys/fs/cgroup/%s but missing from %v", c, c, got)
		}
	}
	for _, c := range []string{"hugetlb", "net_cls", "net_prio"} {
		if _, err := os.Stat("/sys/fs/cgroup/" + c); err != nil && got[c] {
			t.Errorf("%s is not mounted at /sys/fs/cgroup/%s but reported available", c, c)
		}
	}
	r := &specs.LinuxResources{HugepageLimits: []specs.LinuxHugepageLimit{{Pagesize: "2MB", Limit: 1}}}
	if err := Missing(r, got); !got["hugetlb"] && err == nil {
		t.Error("Missing accepted hugepageLimits without a hugetlb hierarchy")
	}
}
