package namespaces

import (
	"reflect"
	"strings"
	"syscall"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// spec builds a spec from namespaces written as "type" (new) or "type=path" (joined).
func spec(nss ...string) *specs.Spec {
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

func TestPlanForErrors(t *testing.T) {
	tests := []struct {
		name string
		spec *specs.Spec
		want string
	}{
		{"unknown type", spec("pid", "network", "foo"), `linux.namespaces[2].type "foo": unknown namespace type`},
		{"runc-style name", spec("net"), `linux.namespaces[0].type "net": unknown namespace type`},
		{"duplicate", spec("pid", "mount", "pid=/proc/1/ns/pid"), `linux.namespaces[2].type "pid": already in linux.namespaces[0]`},
		{"relative path", spec("network=proc/1/ns/net"), `linux.namespaces[0].path "proc/1/ns/net": must be an absolute path`},
		{"maps without userns", withMaps(spec("pid")), `linux.uidMappings: set, but linux.namespaces has no user namespace`},
		{"new userns without maps", spec("user"), `linux.uidMappings: required for a new user namespace`},
		{"new userns without gid maps", func() *specs.Spec {
			s := spec("user")
			s.Linux.UIDMappings = idmap
			return s
		}(), `linux.gidMappings: required for a new user namespace`},
		{"zero size", func() *specs.Spec {
			s := withMaps(spec("user"))
			s.Linux.GIDMappings = []specs.LinuxIDMapping{idmap[0], {ContainerID: 1, HostID: 1}}
			return s
		}(), `linux.gidMappings[1].size: must be at least 1`},
		{"host range overflow", func() *specs.Spec {
			s := withMaps(spec("user"))
			s.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 4294967295, Size: 2}}
			return s
		}(), `linux.uidMappings[0]: hostID 4294967295 + size 2 passes 2^32`},
		{"offsets without timens", withOffsets(spec("pid"), map[string]specs.LinuxTimeOffset{"monotonic": {Secs: 1}}), `linux.timeOffsets: set, but linux.namespaces has no time namespace`},
		{"offsets with joined timens", withOffsets(spec("time=/proc/1/ns/time"), map[string]specs.LinuxTimeOffset{"monotonic": {Secs: 1}}), `linux.timeOffsets: must be empty when joining a time namespace (linux.namespaces[0].path)`},
		{"unknown clock", withOffsets(spec("time"), map[string]specs.LinuxTimeOffset{"realtime": {Secs: 1}}), `linux.timeOffsets.realtime: unknown clock (want boottime or monotonic)`},
		{"nanosecs", withOffsets(spec("time"), map[string]specs.LinuxTimeOffset{"boottime": {Nanosecs: 1e9}}), `linux.timeOffsets.boottime.nanosecs: 1000000000 is not below 1000000000`},
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
	p, err := PlanFor(spec("pid", "network=/run/netns/x", "mount"))
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
		{"all new", spec("pid", "network", "ipc", "uts", "mount", "cgroup"), false, false,
			// no CLONE_NEWCGROUP: init makes that one itself, inside its cgroups
			syscall.CLONE_NEWPID | syscall.CLONE_NEWNET | syscall.CLONE_NEWIPC | syscall.CLONE_NEWUTS | syscall.CLONE_NEWNS, false, 0},
		{"all new with user", withMaps(spec("user", "pid", "mount")), false, false,
			syscall.CLONE_NEWUSER | syscall.CLONE_NEWPID | syscall.CLONE_NEWNS, true, 0},
		{"joined net, new pid", spec("pid", "network=/run/netns/x", "mount"), true, true, 0, false,
			syscall.CLONE_NEWPID | syscall.CLONE_NEWNS},
		{"joined net, new user", withMaps(spec("user", "network=/run/netns/x", "uts")), true, false,
			syscall.CLONE_NEWUSER, true, syscall.CLONE_NEWUTS},
		{"joined user and pid", spec("user=/proc/1/ns/user", "pid=/proc/1/ns/pid"), true, true, 0, false, 0},
		{"new time only", spec("time", "mount"), true, false, 0, false, 0x80 | syscall.CLONE_NEWNS},
		{"new time, new pid", spec("time", "pid"), true, true, 0, false, 0x80 | syscall.CLONE_NEWPID},
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
	p, err := PlanFor(withOffsets(spec("time", "pid"), map[string]specs.LinuxTimeOffset{
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
	for _, typ := range KnownTypes() {
		nss = append(nss, string(typ))
	}
	if len(nss) != 8 {
		t.Fatalf("KnownTypes = %v, want the 8 Linux namespace types", nss)
	}
	p, err := PlanFor(withMaps(spec(nss...)))
	if err != nil {
		t.Fatal(err)
	}
	for _, typ := range KnownTypes() {
		if !p.New(typ) {
			t.Errorf("%s not new", typ)
		}
	}
}

func TestPlanToEnterJoinsEveryNamespaceOfInit(t *testing.T) {
	s := withMaps(spec("user", "pid", "mount", "network", "cgroup"))
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
