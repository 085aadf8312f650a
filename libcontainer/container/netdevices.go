package container

import (
	"fmt"
	"os"
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/berth-runtime/berth/libcontainer/netdev"
)

// moveNetDevices moves linux.netDevices into the network namespace of init (pid). init is in
// all its namespaces by now: since clone on the fast path, since nsenter's pid frame on the slow
// one (the plan forks for this). It runs before init gets its config, so that net.* sysctls and
// the hooks already find the devices inside.
func moveNetDevices(s *specs.Spec, pid int) error {
	if s.Linux == nil || len(s.Linux.NetDevices) == 0 {
		return nil
	}
	ns, err := os.Open("/proc/" + strconv.Itoa(pid) + "/ns/net")
	if err != nil {
		return fmt.Errorf("linux.netDevices: open init's network namespace: %w", err)
	}
	defer ns.Close()
	// Validation refused the host's namespace; make sure nothing changed that since.
	if sameFile(ns, "/proc/self/ns/net") {
		return fmt.Errorf("linux.netDevices: init is in the host's network namespace")
	}
	return netdev.Move(s.Linux.NetDevices, ns)
}

// sameFile reports whether f and path are the same inode (for namespaces: the same namespace).
func sameFile(f *os.File, path string) bool {
	var a, b unix.Stat_t
	if unix.Fstat(int(f.Fd()), &a) != nil || unix.Stat(path, &b) != nil {
		return false
	}
	return a.Dev == b.Dev && a.Ino == b.Ino
}
