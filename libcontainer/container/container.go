// Package container holds the operations on a container, as the host sees them: create, start,
// run, exec, kill, delete, state, list, ps, pause, resume, update, events (stats), gc, checkpoint
// and restore (through libcontainer/criu), with what
// they share: launching init (launch.go), its stdio, its log stream and the pid it publishes.
// Each operation locks the container's state directory for
// as long as it works, so commands on the same ID never interleave.
package container

import (
	"errors"
	"fmt"
	"os"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/berth-runtime/berth/libcontainer/cgroups"
	"github.com/berth-runtime/berth/libcontainer/netdev"
	"github.com/berth-runtime/berth/libcontainer/state"
)

// Container is an open, locked container.
type Container struct {
	dir   *state.Dir
	state *state.State
	cg    *cgroups.Manager // nil until loaded; see cgroup()
	// movedNetDevs: linux.netDevices moved into init's network namespace by this create, and
	// that namespace, held open until create ends so that abort can give them back even after
	// init died.
	movedNetDevs []netdev.Moved
	netNS        *os.File
	// lost says why state is not the state file's content but what could be found without it
	// (see loadRemains); nil for a container opened normally.
	lost error
}

// Open locks and loads the container with the ID.
func Open(root, id string) (*Container, error) { return load(root, id, state.Open, (*state.Dir).Load) }

// OpenSummary is Open without the config (Config() is nil), for commands that only signal or
// freeze the container (kill, pause, resume): decoding the config is most of reading a state.
func OpenSummary(root, id string) (*Container, error) {
	return load(root, id, state.Open, (*state.Dir).LoadSummary)
}

// OpenLifecycle is Open with only the part of the config that start and delete act on: the
// hooks and the seccomp listener (see state.Dir.LoadLifecycle).
func OpenLifecycle(root, id string) (*Container, error) {
	return load(root, id, state.Open, (*state.Dir).LoadLifecycle)
}

// Peek loads a container without locking it, for commands that only read.
func Peek(root, id string) (*Container, error) { return load(root, id, state.Peek, (*state.Dir).Load) }

// PeekExec is Peek with the part of the config that exec reads (see state.Dir.LoadExec).
func PeekExec(root, id string) (*Container, error) {
	return load(root, id, state.Peek, (*state.Dir).LoadExec)
}

// PeekSummary is Peek without the config, for readers that need none (ps, events).
func PeekSummary(root, id string) (*Container, error) {
	return load(root, id, state.Peek, (*state.Dir).LoadSummary)
}

// PeekState reads a container's OCI state (status included) without decoding its config, as
// `state` and `list` print it.
func PeekState(root, id string) (*state.OCIState, error) {
	c, err := PeekSummary(root, id)
	if err != nil {
		return nil, err
	}
	return c.state.OCI(c.Status()), nil
}

func load(root, id string, open func(root, id string) (*state.Dir, error), read func(*state.Dir) (*state.State, error)) (*Container, error) {
	dir, err := open(root, id)
	if err != nil {
		return nil, err
	}
	st, err := read(dir)
	if err != nil {
		dir.Close()
		return nil, err
	}
	return &Container{dir: dir, state: st}, nil
}

// Close releases the lock.
func (c *Container) Close() { c.dir.Close() }

// ID returns the container's ID.
func (c *Container) ID() string { return c.state.ID }

// Config returns the container's config, as it was at create (and after updates).
func (c *Container) Config() *specs.Spec { return c.state.Config }

// Pid returns the host PID of the container's init.
func (c *Container) Pid() int { return c.state.Pid }

// Status reads the container's status now: the OCI status, or "paused" when its cgroup is frozen.
func (c *Container) Status() string {
	st := c.dir.Status(c.state)
	// The saved paths suffice, without loading the cgroup manager (see cgroups.Saved); the
	// state's cgroup is kept in step with c.cg wherever that changes.
	if (st == state.Running || st == state.Created) && c.state.Cgroup.Paused() {
		return Paused
	}
	return string(st)
}

// Paused is the status of a container whose cgroup is frozen, named as runc names it.
const Paused = "paused"

// cgroup returns the container's cgroup manager, loaded from the state on first use.
func (c *Container) cgroup() (*cgroups.Manager, error) {
	if c.cg != nil {
		return c.cg, nil
	}
	cg, err := cgroups.Load(c.state.Cgroup)
	if err != nil {
		return nil, err
	}
	c.cg = cg
	return cg, nil
}

// openInit returns a pidfd for init after checking it is still the container's process: from
// then on the pidfd keeps signals from reaching a recycled PID.
func (c *Container) openInit() (int, error) {
	if c.state.Pid <= 0 {
		return -1, errNotRunning // a create that died before init existed
	}
	fd, err := unix.PidfdOpen(c.state.Pid, 0)
	if err != nil {
		if errors.Is(err, unix.ESRCH) {
			return -1, errNotRunning
		}
		return -1, os.NewSyscallError("pidfd_open", err)
	}
	if !state.Alive(c.state.Pid, c.state.StartTime) {
		unix.Close(fd)
		return -1, errNotRunning
	}
	return fd, nil
}

var errNotRunning = errors.New("container not running")

// waitExit waits until the process behind pidfd has exited (reaped or not), up to timeout.
func waitExit(pidfd int, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for {
		left := time.Until(deadline)
		if left <= 0 {
			return fmt.Errorf("process still alive after %s", timeout)
		}
		fds := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, int(left.Milliseconds())+1)
		if err != nil && !errors.Is(err, unix.EINTR) {
			return os.NewSyscallError("poll pidfd", err)
		}
		if n > 0 {
			return nil
		}
	}
}

// killAndWait sends SIGKILL to init and waits for it to die.
func (c *Container) killAndWait() error {
	fd, err := c.openInit()
	if errors.Is(err, errNotRunning) {
		return nil
	}
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if err := unix.PidfdSendSignal(fd, unix.SIGKILL, nil, 0); err != nil && !errors.Is(err, unix.ESRCH) {
		return os.NewSyscallError("pidfd_send_signal", err)
	}
	return waitExit(fd, 10*time.Second)
}
