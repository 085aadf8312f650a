package container

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/berth-runtime/berth/libcontainer/cgroups"
)

// Kill sends sig to the container's init, or with all to every process of the container.
//
// A container without its own PID namespace gets SIGKILL on every process even without all:
// with a private namespace, the kernel kills everything in it when init dies, and that is what
// `kill ID KILL` means to the user; in the host's namespace the other processes would outlive
// init.
//
// With all, a container whose init is gone is not an error while its cgroup remains: without a
// private PID namespace, init's children outlive it there, and kill --all is how to reach them.
func (c *Container) Kill(sig unix.Signal, all bool) error {
	fd, err := c.openInit()
	if errors.Is(err, errNotRunning) && all {
		return c.signalLeftovers(sig)
	}
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	// Init first: once signalAll has killed it, its parent (run in the foreground) may reap it
	// and the pidfd would then report a container that was running as "not running".
	if err := unix.PidfdSendSignal(fd, sig, nil, 0); err != nil {
		if errors.Is(err, unix.ESRCH) {
			return errNotRunning
		}
		return fmt.Errorf("send %s to init: %w", unix.SignalName(sig), os.NewSyscallError("pidfd_send_signal", err))
	}
	if signalsEveryProcess(sig, all, c.state.OwnPidNS) {
		return c.signalAll(sig)
	}
	return nil
}

// signalsEveryProcess says whether kill goes to every process of the container, not only init:
// with --all, or SIGKILL without a private PID namespace (see Kill). Other signals go to init
// alone, which may handle them (a shell passing SIGTERM on), as runc does.
func signalsEveryProcess(sig unix.Signal, all, ownPidNS bool) bool {
	return all || (sig == unix.SIGKILL && !ownPidNS)
}

// signalAll signals every process of the container: those in its cgroup, or, when there is no
// cgroup to ask and the container has its own PID namespace, those in that namespace.
func (c *Container) signalAll(sig unix.Signal) error {
	cg, err := c.cgroup()
	if err == nil {
		if err = cg.Signal(sig); err == nil {
			return nil
		}
	}
	if !c.state.OwnPidNS {
		if errors.Is(err, cgroups.ErrNoCgroup) {
			// Rootless, neither a cgroup nor a PID namespace: nothing tells which of the
			// user's processes are the container's. Init has the signal.
			slog.Warn("only init was signalled: the container has neither a cgroup nor a PID namespace of its own", "id", c.state.ID, "signal", unix.SignalName(sig))
			return nil
		}
		return fmt.Errorf("send %s to every process: %w", unix.SignalName(sig), err)
	}
	slog.Debug("signal the PID namespace instead of the cgroup", "id", c.state.ID, "error", err)
	if err := c.signalPidNS(sig); err != nil {
		return fmt.Errorf("send %s to every process: %w", unix.SignalName(sig), err)
	}
	return nil
}

// signalLeftovers signals what is left in the cgroup of a container whose init is dead.
func (c *Container) signalLeftovers(sig unix.Signal) error {
	if c.state.Cgroup == nil {
		return errNotRunning // a create that failed before its cgroup existed
	}
	cg, err := c.cgroup()
	if err != nil {
		return fmt.Errorf("send %s to what init left: %w", unix.SignalName(sig), err)
	}
	if !cg.Exists() {
		return nil // systemd removes a scope once it is empty: nothing is left
	}
	if err := cg.Signal(sig); err != nil {
		return fmt.Errorf("send %s to what init left: %w", unix.SignalName(sig), err)
	}
	return nil
}

// signalPidNS signals every process that shares init's PID namespace; only for a container with
// its own (the host's would take every process of the machine).
func (c *Container) signalPidNS(sig unix.Signal) error {
	pids, err := c.pidNSMembers()
	if err != nil {
		return err
	}
	var errs []error
	for _, pid := range pids {
		if pid == c.state.Pid {
			continue // init, signalled by Kill through its pidfd
		}
		if err := unix.Kill(pid, sig); err != nil && !errors.Is(err, unix.ESRCH) {
			errs = append(errs, fmt.Errorf("pid %d: %w", pid, err))
		}
	}
	return errors.Join(errs...)
}

// pidNSMembers lists the host PIDs of the processes in init's PID namespace, init included, in
// increasing order: the container's processes when it has no cgroup to ask (rootless).
func (c *Container) pidNSMembers() ([]int, error) {
	ns, err := os.Readlink("/proc/" + strconv.Itoa(c.state.Pid) + "/ns/pid")
	if err != nil {
		return nil, fmt.Errorf("init's PID namespace: %w", err)
	}
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil, fmt.Errorf("list processes: %w", err)
	}
	var pids []int
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue // not a process
		}
		other, err := os.Readlink("/proc/" + e.Name() + "/ns/pid")
		if err != nil || other != ns {
			continue // gone meanwhile, or someone else's
		}
		pids = append(pids, pid)
	}
	return pids, nil
}
