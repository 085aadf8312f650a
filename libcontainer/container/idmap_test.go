package container

import (
	"os"
	"strconv"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// TestUsernsForMount: a mount's own mappings get a namespace, one per distinct set; without
// them the container's user namespace (init's) is used, and there must be one.
func TestUsernsForMount(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("needs root: user namespaces with arbitrary mappings")
	}
	own := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 1}}
	other := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 2000, Size: 1}}
	withOwn := specs.Mount{Options: []string{"rbind"}, UIDMappings: own, GIDMappings: own}
	withOther := specs.Mount{Options: []string{"rbind", "idmap"}, UIDMappings: other, GIDMappings: other}
	borrow := specs.Mount{Options: []string{"rbind", "idmap"}}
	userNS := &specs.Spec{Linux: &specs.Linux{Namespaces: []specs.LinuxNamespace{{Type: specs.UserNamespace}}}}
	noUserNS := &specs.Spec{Linux: &specs.Linux{}}
	initPid := os.Getpid() // stands for init: its user namespace is the one taken

	c := usernsCache{}
	defer c.close()
	a, err := c.forMount(userNS, withOwn, "mounts[0]", initPid)
	if err != nil {
		t.Fatal(err)
	}
	if b, err := c.forMount(noUserNS, withOwn, "mounts[1]", initPid); err != nil || b != a {
		t.Errorf("same mappings: got %v, %v; want the same namespace fd", b, err)
	}
	if d, err := c.forMount(noUserNS, withOther, "mounts[2]", initPid); err != nil || d == a {
		t.Errorf("other mappings: got %v, %v; want a namespace of their own", d, err)
	}
	want := "/proc/" + strconv.Itoa(initPid) + "/ns/user"
	if j, err := c.forMount(userNS, borrow, "mounts[3]", initPid); err != nil || j.Name() != want {
		t.Errorf("container's user namespace: got %v, %v; want %s", j, err, want)
	}
	if len(c) != 3 {
		t.Errorf("cache holds %d namespaces, want 3", len(c))
	}
	_, err = c.forMount(noUserNS, borrow, "mounts[4]", initPid)
	if err == nil || !strings.HasPrefix(err.Error(), "mounts[4].uidMappings: ") {
		t.Errorf("no mappings, no user namespace: got %v", err)
	}
}
