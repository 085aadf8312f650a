package namespaces

import (
	"reflect"
	"strings"
	"syscall"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/berth-runtime/berth/spec"
)

// spec builds a spec from namespaces written as "type" (new) or "type=path" (joined).
func nsSpec(nss ...string) *specs.Spec {
	s := &specs.Spec{Linux: &specs.Linux{}}
	for _, ns := range nss {
		typ, path, _ := strings.Cut(ns, "=")
		s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.LinuxNamespaceType(typ), Path: path})
	}
	return s
}

var idmap = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}

func withMaps(s *specs.Spec) *specs.Spec {
	s.Linux.UIDMappings, s.Linux.GIDMappings = idmap, idmap
	return s
}

func withOffsets(s *specs.Spec, o map[string]specs.LinuxTimeOffset) *specs.Spec {
	s.Linux.TimeOffsets = o
	return s
}

// TestPlanForErrors: PlanFor trusts spec.Validate for every check (spec/validate_test.go has
// them); it refuses only what it could not plan at all.
func TestPlanForErrors(t *testing.T) {
	tests := []struct {
		name string
		spec *specs.Spec
		want string
	}{
		{"unknown type", nsSpec("pid", "network", "foo"), `linux.namespaces[2].type "foo": unknown namespace type`},
		{"runc-style name", nsSpec("net"), `linux.namespaces[0].type "net": unknown namespace type`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := PlanFor(tt.spec)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("PlanFor = %v, %v; want error %q", p, err, tt.want)
			}
		})
	}
}

func TestPlanQueries(t *testing.T) {
	p, err := PlanFor(nsSpec("pid", "network=/run/netns/x", "mount"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		typ                 specs.LinuxNamespaceType
		has, isNew, isJoint bool
	}{
		{specs.PIDNamespace, true, true, false},
		{specs.NetworkNamespace, true, false, true},
		{specs.MountNamespace, true, true, false},
		{specs.UserNamespace, false, false, false},
		{specs.TimeNamespace, false, false, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.typ), func(t *testing.T) {
			if got := [3]bool{p.Has(tt.typ), p.New(tt.typ), p.Joined(tt.typ)}; got != [3]bool{tt.has, tt.isNew, tt.isJoint} {
				t.Errorf("Has, New, Joined = %v, want %v", got, [3]bool{tt.has, tt.isNew, tt.isJoint})
			}
		})
	}
}

func TestPlanPaths(t *testing.T) {
	maps := []syscall.SysProcIDMap{{ContainerID: 0, HostID: 100000, Size: 65536}}
	tests := []struct {
		name    string
		spec    *specs.Spec
		slow    bool
		forks   bool
		flags   uintptr
		mapped  bool
		unshare uintptr
	}{
		{"no linux section", &specs.Spec{}, false, false, 0, false, 0},
		{"all new", nsSpec("pid", "network", "ipc", "uts", "mount", "cgroup"), false, false,
			// no CLONE_NEWCGROUP: init makes that one itself, inside its cgroups
			syscall.CLONE_NEWPID | syscall.CLONE_NEWNET | syscall.CLONE_NEWIPC | syscall.CLONE_NEWUTS | syscall.CLONE_NEWNS, false, 0},
		{"all new with user", withMaps(nsSpec("user", "pid", "mount")), false, false,
			syscall.CLONE_NEWUSER | syscall.CLONE_NEWPID | syscall.CLONE_NEWNS, true, 0},
		{"joined net, new pid", nsSpec("pid", "network=/run/netns/x", "mount"), true, true, 0, false,
			syscall.CLONE_NEWPID | syscall.CLONE_NEWNS},
		{"joined net, new user", withMaps(nsSpec("user", "network=/run/netns/x", "uts")), true, false,
			syscall.CLONE_NEWUSER, true, syscall.CLONE_NEWUTS},
		{"joined user and pid", nsSpec("user=/proc/1/ns/user", "pid=/proc/1/ns/pid"), true, true, 0, false, 0},
		{"new time only", nsSpec("time", "mount"), true, false, 0, false, 0x80 | syscall.CLONE_NEWNS},
		{"new time, new pid", nsSpec("time", "pid"), true, true, 0, false, 0x80 | syscall.CLONE_NEWPID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := PlanFor(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if p.NeedsNsenter() != tt.slow || p.Forks() != tt.forks {
				t.Errorf("NeedsNsenter, Forks = %v, %v; want %v, %v", p.NeedsNsenter(), p.Forks(), tt.slow, tt.forks)
			}
			attr := p.SysProcAttr()
			if attr.Cloneflags != tt.flags {
				t.Errorf("Cloneflags = %#x, want %#x", attr.Cloneflags, tt.flags)
			}
			wantMaps := []syscall.SysProcIDMap(nil)
			if tt.mapped {
				wantMaps = maps
			}
			if !reflect.DeepEqual(attr.UidMappings, wantMaps) || !reflect.DeepEqual(attr.GidMappings, wantMaps) {
				t.Errorf("maps = %v, %v; want %v", attr.UidMappings, attr.GidMappings, wantMaps)
			}
			if attr.GidMappingsEnableSetgroups != tt.mapped {
				t.Errorf("GidMappingsEnableSetgroups = %v, want %v", attr.GidMappingsEnableSetgroups, tt.mapped)
			}
			if got := p.newFlags(false); tt.slow && got != tt.unshare {
				t.Errorf("unshare flags = %#x, want %#x", got, tt.unshare)
			}
		})
	}
}

func TestTimeOffsetsText(t *testing.T) {
	p, err := PlanFor(withOffsets(nsSpec("time", "pid"), map[string]specs.LinuxTimeOffset{
		"monotonic": {Secs: -5, Nanosecs: 7},
		"boottime":  {Secs: 86400},
	}))
	if err != nil {
		t.Fatal(err)
	}
	if want := "boottime 86400 0\nmonotonic -5 7\n"; p.offsets != want {
		t.Errorf("offsets = %q, want %q", p.offsets, want)
	}
}

func TestKnownTypesAreAllAccepted(t *testing.T) {
	var nss []string
	for _, ns := range spec.Namespaces {
		nss = append(nss, string(ns.Type))
	}
	if len(nss) != 8 {
		t.Fatalf("spec.Namespaces = %v, want the 8 Linux namespace types", nss)
	}
	p, err := PlanFor(withMaps(nsSpec(nss...)))
	if err != nil {
		t.Fatal(err)
	}
	for _, ns := range spec.Namespaces {
		if !p.New(ns.Type) {
			t.Errorf("%s not new", ns.Type)
		}
	}
}

func TestPlanToEnterJoinsEveryNamespaceOfInit(t *testing.T) {
	s := withMaps(nsSpec("user", "pid", "mount", "network", "cgroup"))
	p, err := PlanToEnter(s, 4242)
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range []specs.LinuxNamespaceType{"user", "pid", "mount", "network", "cgroup"} {
		if !p.Joined(typ) || p.New(typ) {
			t.Errorf("%s: joined=%v new=%v, want joined only", typ, p.Joined(typ), p.New(typ))
		}
	}
	if p.Has(specs.UTSNamespace) {
		t.Error("uts is the host's for this container: exec must not join one")
	}
	if !p.NeedsNsenter() || !p.Forks() {
		t.Error("entering a pid namespace needs nsenter and its fork")
	}
	attr := p.SysProcAttr()
	if attr.Cloneflags != 0 || len(attr.UidMappings) != 0 {
		t.Errorf("exec must not create namespaces: %+v", attr)
	}
}

// TestPlanForksForNetDevices: the host moves linux.netDevices into init's network namespace,
// so on the slow path it must know when nsenter is done: the fork's pid frame tells it.
func TestPlanForksForNetDevices(t *testing.T) {
	withDevs := func(s *specs.Spec) *specs.Spec {
		s.Linux.NetDevices = map[string]specs.LinuxNetDevice{"eth9": {}}
		return s
	}
	tests := []struct {
		name  string
		spec  *specs.Spec
		forks bool
	}{
		{"fast path: the netns exists at clone", withDevs(nsSpec("network", "mount")), false},
		{"joined netns, no pid namespace", withDevs(nsSpec("network=/run/netns/x", "mount")), true},
		{"new netns after a joined uts", withDevs(nsSpec("network", "uts=/run/x")), true},
		{"no devices, no pid namespace", nsSpec("network=/run/netns/x", "mount"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := PlanFor(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			if p.Forks() != tt.forks {
				t.Errorf("Forks = %v, want %v", p.Forks(), tt.forks)
			}
		})
	}
}
