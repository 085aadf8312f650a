package container

import (
	"os"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// TestUsernsForMount: a mount's own mappings first, else the container's user namespace (new:
// its mappings; joined: its path); one namespace per distinct set of mappings.
func TestUsernsForMount(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: user namespaces with arbitrary mappings")
	}
	own := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 1}}
	ctr := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
	withOwn := specs.Mount{Options: []string{"rbind"}, UIDMappings: own, GIDMappings: own}
	borrow := specs.Mount{Options: []string{"rbind", "idmap"}}
	newUserNS := &specs.Spec{Linux: &specs.Linux{
		Namespaces:  []specs.LinuxNamespace{{Type: specs.UserNamespace}},
		UIDMappings: ctr, GIDMappings: ctr,
	}}
	joined := &specs.Spec{Linux: &specs.Linux{
		Namespaces: []specs.LinuxNamespace{{Type: specs.UserNamespace, Path: "/proc/self/ns/user"}},
	}}
	noUserNS := &specs.Spec{Linux: &specs.Linux{}}

	c := usernsCache{}
	defer c.close()
	a, err := c.forMount(newUserNS, withOwn, "mounts[0]")
	if err != nil {
		t.Fatal(err)
	}
	b, err := c.forMount(noUserNS, withOwn, "mounts[1]")
	if err != nil || b != a {
		t.Errorf("same mappings: got %v, %v; want the same namespace fd", b, err)
	}
	d, err := c.forMount(newUserNS, borrow, "mounts[2]")
	if err != nil || d == a {
		t.Errorf("container's mappings: got %v, %v; want a namespace of their own", d, err)
	}
	j, err := c.forMount(joined, borrow, "mounts[3]")
	if err != nil || j.Name() != "/proc/self/ns/user" {
		t.Errorf("joined user namespace: got %v, %v; want /proc/self/ns/user", j, err)
	}
	if len(c) != 3 {
		t.Errorf("cache holds %d namespaces, want 3", len(c))
	}
	_, err = c.forMount(noUserNS, borrow, "mounts[4]")
	if err == nil || !strings.HasPrefix(err.Error(), "mounts[4].uidMappings: ") {
		t.Errorf("no mappings, no user namespace: got %v", err)
	}
}
