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
		c.signalOthers(sig)
	}
	if err := unix.PidfdSendSignal(fd, sig, nil, 0); err != nil {
		if errors.Is(err, unix.ESRCH) {
			return errNotRunning
		}
		return fmt.Errorf("send %s: %w", unix.SignalName(sig), err)
	}
	return nil
}

// signalOthers signals every process that shares init's PID namespace, when the container has
// its own; without one, only init can be told apart from the host's processes.
func (c *Container) signalOthers(sig unix.Signal) {
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
