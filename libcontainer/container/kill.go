package container

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// Kill sends sig to the container's init, or with all to every process of the container.
func (c *Container) Kill(sig unix.Signal, all bool) error {
	fd, err := c.openInit()
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if all {
		c.signalAll(sig)
	}
	if err := unix.PidfdSendSignal(fd, sig, nil, 0); err != nil {
		if errors.Is(err, unix.ESRCH) {
			return errNotRunning
		}
		return fmt.Errorf("send %s: %w", unix.SignalName(sig), err)
	}
	return nil
}

// signalAll signals every process of the container: those in its cgroup, or, when there is no
// cgroup to ask, those in its own PID namespace.
func (c *Container) signalAll(sig unix.Signal) {
	if cg, err := c.cgroup(); err == nil {
		if err := cg.Signal(sig); err == nil {
			return
		}
	}
	c.signalPidNS(sig)
}

// signalPidNS signals every process that shares init's PID namespace, when the container has
// its own; without one, only init can be told apart from the host's processes.
func (c *Container) signalPidNS(sig unix.Signal) {
	if !c.state.OwnPidNS {
		return
	}
	ns, err := os.Readlink("/proc/" + strconv.Itoa(c.state.Pid) + "/ns/pid")
	if err != nil {
		return
	}
	entries, _ := os.ReadDir("/proc")
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil || pid == c.state.Pid {
			continue
		}
		if other, err := os.Readlink("/proc/" + e.Name() + "/ns/pid"); err == nil && other == ns {
			unix.Kill(pid, sig)
		}
	}
}
