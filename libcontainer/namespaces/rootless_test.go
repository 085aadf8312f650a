package namespaces

import (
	"syscall"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestIsInitialUIDMap(t *testing.T) {
	tests := []struct {
		data string
		want bool
	}{
		{"         0          0 4294967295\n", true},
		{"         0       1000          1\n", false},
		{"         0     100000      65536\n", false},
		{"0 0 4294967295\n1 1 1\n", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := isInitialUIDMap(tt.data); got != tt.want {
			t.Errorf("isInitialUIDMap(%q) = %v, want %v", tt.data, got, tt.want)
		}
	}
}

func TestMapsOwnIDsOnly(t *testing.T) {
	m := func(c, h, n uint32) specs.LinuxIDMapping {
		return specs.LinuxIDMapping{ContainerID: c, HostID: h, Size: n}
	}
	type maps = []specs.LinuxIDMapping
	tests := []struct {
		name       string
		uids, gids maps
		want       bool
	}{
		{"own ids as root", maps{m(0, 1000, 1)}, maps{m(0, 1001, 1)}, true},
		{"own ids as another id", maps{m(1000, 1000, 1)}, maps{m(5, 1001, 1)}, true},
		{"someone else's uid", maps{m(0, 1002, 1)}, maps{m(0, 1001, 1)}, false},
		{"someone else's gid", maps{m(0, 1000, 1)}, maps{m(0, 1000, 1)}, false},
		{"own uid and a subuid range", maps{m(0, 1000, 1), m(1, 100000, 65536)}, maps{m(0, 1001, 1)}, false},
		{"a range starting at the own uid", maps{m(0, 1000, 2)}, maps{m(0, 1001, 1)}, false},
		{"no gid mapping", maps{m(0, 1000, 1)}, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MapsOwnIDsOnly(tt.uids, tt.gids, 1000, 1001); got != tt.want {
				t.Errorf("MapsOwnIDsOnly = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestSysProcAttrRootless: a user may write gid_map only once setgroups is denied, and init
// then must not call setgroups; root keeps setgroups for the container.
func TestSysProcAttrRootless(t *testing.T) {
	for _, unprivileged := range []bool{false, true} {
		p, err := PlanFor(withMaps(nsSpec("user", "pid", "mount")))
		if err != nil {
			t.Fatal(err)
		}
		p.unprivileged = unprivileged
		attr := p.SysProcAttr()
		if attr.GidMappingsEnableSetgroups == unprivileged {
			t.Errorf("unprivileged %v: GidMappingsEnableSetgroups = %v", unprivileged, attr.GidMappingsEnableSetgroups)
		}
		if attr.Credential == nil || attr.Credential.NoSetGroups != unprivileged {
			t.Errorf("unprivileged %v: Credential = %+v, want NoSetGroups %v", unprivileged, attr.Credential, unprivileged)
		}
	}
}

// TestJoinUserNS: a user namespace made beforehand (newuidmap) is joined; the other new
// namespaces are then nsenter's to make, inside it, and clone gets no user flag or maps.
func TestJoinUserNS(t *testing.T) {
	p, err := PlanFor(withMaps(nsSpec("pid", "mount", "user")))
	if err != nil {
		t.Fatal(err)
	}
	p.JoinUserNS("/proc/self/fd/9")
	if !p.Joined(specs.UserNamespace) || p.New(specs.UserNamespace) || !p.NeedsNsenter() || !p.Forks() {
		t.Fatalf("Joined %v New %v NeedsNsenter %v Forks %v; want true false true true",
			p.Joined(specs.UserNamespace), p.New(specs.UserNamespace), p.NeedsNsenter(), p.Forks())
	}
	attr := p.SysProcAttr()
	if attr.Cloneflags&syscall.CLONE_NEWUSER != 0 || attr.UidMappings != nil || attr.GidMappings != nil {
		t.Errorf("SysProcAttr = %+v; want no new user namespace and no maps", attr)
	}
	if got, want := p.newFlags(false), uintptr(syscall.CLONE_NEWPID|syscall.CLONE_NEWNS); got != want {
		t.Errorf("unshare flags = %#x, want %#x", got, want)
	}
	// Without a new user namespace there is nothing to turn into a join.
	q, _ := PlanFor(nsSpec("pid"))
	q.JoinUserNS("/proc/self/fd/9")
	if q.Has(specs.UserNamespace) {
		t.Error("JoinUserNS added a user namespace")
	}
}
