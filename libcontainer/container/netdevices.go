package container

import (
	"fmt"
	"log/slog"
	"os"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/berth-runtime/berth/libcontainer/netdev"
)

// moveNetDevices moves linux.netDevices into the network namespace of init (pid). init is in
// all its namespaces by now: since clone on the fast path, since nsenter's pid frame on the slow
// one (the plan forks for this). It runs before init gets its config, so that net.* sysctls and
// the hooks already find the devices inside. What it moved, and the namespace, are kept for
// abort until releaseNetNS.
func (c *Container) moveNetDevices(pid int) error {
	s := c.state.Config
	if s.Linux == nil || len(s.Linux.NetDevices) == 0 {
		return nil
	}
	ns, err := openNetNS(pid)
	if err != nil {
		return err
	}
	c.netNS = ns
	c.movedNetDevs, err = netdev.Move(s.Linux.NetDevices, ns)
	return err
}

// returnNetDevices gives the devices moved by a create that failed back to the host. The
// namespace is still there even if init died, held by c.netNS: once it goes, a veth would be
// destroyed with it.
func (c *Container) returnNetDevices() {
	if c.netNS != nil && len(c.movedNetDevs) > 0 {
		if err := netdev.Return(c.movedNetDevs, c.netNS); err != nil {
			slog.Warn("cleanup after failed create", "id", c.state.ID, "error", err)
		}
	}
	c.releaseNetNS()
}

// releaseNetNS lets go of init's network namespace once create is over.
func (c *Container) releaseNetNS() {
	if c.netNS != nil {
		c.netNS.Close()
		c.netNS = nil
	}
	c.movedNetDevs = nil
}

// openNetNS opens init's network namespace, refusing the host's: validation did, make sure
// nothing changed that since.
func openNetNS(pid int) (*os.File, error) {
	ns, err := os.Open("/proc/" + strconv.Itoa(pid) + "/ns/net")
	if err != nil {
		return nil, fmt.Errorf("linux.netDevices: open init's network namespace: %w", err)
	}
	if sameFile(ns, "/proc/self/ns/net") {
		ns.Close()
		return nil, fmt.Errorf("linux.netDevices: init is in the host's network namespace")
	}
	return ns, nil
}

// sameFile reports whether f and path are the same inode (for namespaces: the same namespace).
func sameFile(f *os.File, path string) bool {
	var a, b unix.Stat_t
	if unix.Fstat(int(f.Fd()), &a) != nil || unix.Stat(path, &b) != nil {
		return false
	}
	return a.Dev == b.Dev && a.Ino == b.Ino
}
