package container

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/berth-runtime/berth/libcontainer/hooks"
	"github.com/berth-runtime/berth/libcontainer/protocol"
	"github.com/berth-runtime/berth/libcontainer/seccomp"
	"github.com/berth-runtime/berth/libcontainer/state"
)

// Start releases a created container's init to exec the user's program, then runs the
// poststart hooks. It returns when init is about to execve the program, as runc's start does;
// with poststart hooks, once the program runs.
func (c *Container) Start() error {
	return c.start(false)
}

// start is Start; untilExec waits for the execve to succeed whatever the hooks, for a caller
// that waits for the program anyway and wants a failed execve as its error (run in the
// foreground).
func (c *Container) start(untilExec bool) error {
	switch status := c.Status(); status {
	case string(state.Created):
	case string(state.Stopped):
		return fmt.Errorf("cannot start a container that has stopped")
	default:
		return fmt.Errorf("cannot start an already %s container", status)
	}
	phases := newPhaseLog("start", c.state.ID)
	conn, err := dialStart(c.dir.Path)
	if err != nil {
		return fmt.Errorf("cannot start: init is gone (%w)", err)
	}
	defer conn.Close()
	// From here on the container reads as running, whatever happens next.
	if err := os.Remove(filepath.Join(c.dir.Path, state.StartSocket)); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	untilExec = untilExec || c.state.Config.Hooks != nil && len(c.state.Config.Hooks.Poststart) > 0
	logs, err := sendStart(conn, slog.Default(), c.state.ID, untilExec)
	if err != nil {
		return err
	}
	defer logs.finish()
	if err := c.awaitExec(conn, state.Created, untilExec); err != nil {
		// The program may run without what it needed (its seccomp listener): stop it.
		if kerr := c.killAndWait(); kerr != nil {
			err = fmt.Errorf("%w (and stopping the container failed: %v)", err, kerr)
		}
		return logs.explain(err)
	}
	logs.stop() // init is at its execve: its records are all in
	phases.done("exec", "program started")
	if err := c.runPoststartHooks(); err != nil {
		return err
	}
	phases.done("hooks", "poststart hooks run")
	return nil
}

// awaitExec waits until init has exec'd the program: the connection closes (it was
// close-on-exec), or init reports an error; unless untilExec, it stops where init says that
// execve is next (protocol.KindExecing). A seccomp notify fd on the way goes to the container's
// listener.
func (c *Container) awaitExec(conn *os.File, status specs.ContainerState, untilExec bool) error {
	var hooks []specs.Hook
	if h := c.state.Config.Hooks; h != nil && status == state.Created {
		hooks = h.StartContainer
	}
	explain := boundWait(conn, "start the program", hooks)
	handlers := map[protocol.Kind]protocol.Handler{
		protocol.KindSeccompFd: func(m *protocol.Message) error {
			if err := c.forwardNotifyFd(m.File, status); err != nil {
				return err
			}
			return protocol.Send(conn, &protocol.Message{Kind: protocol.KindSeccompDone})
		},
	}
	var until []protocol.Kind
	if untilExec {
		handlers[protocol.KindExecing] = func(*protocol.Message) error { return nil }
	} else {
		until = append(until, protocol.KindExecing)
	}
	_, err := protocol.Serve(conn, handlers, until...)
	if err = explain(err); err == nil || errors.Is(err, protocol.ErrClosed) {
		return nil
	}
	return err
}

// forwardNotifyFd sends the seccomp notify fd init handed over, with the container's state, to
// linux.seccomp.listenerPath.
func (c *Container) forwardNotifyFd(fd *os.File, status specs.ContainerState) error {
	sc := c.state.Config.Linux.Seccomp
	if err := seccomp.SendNotifyFd(sc.ListenerPath, fd, c.state.Spec(status), sc.ListenerMetadata); err != nil {
		return fmt.Errorf("linux.seccomp.listenerPath %q: %w", sc.ListenerPath, err)
	}
	return nil
}

// runPoststartHooks runs the poststart hooks; one failing stops the container, as runtime-spec
// 1.3 (runtime.md, step 9) requires.
func (c *Container) runPoststartHooks() error {
	h := c.state.Config.Hooks
	if h == nil || len(h.Poststart) == 0 {
		return nil
	}
	if err := hooks.Run(hooks.Poststart, h.Poststart, c.state.Spec(state.Running)); err != nil {
		if kerr := c.killAndWait(); kerr != nil {
			slog.Warn("stop container after failed poststart hook", "id", c.state.ID, "error", kerr)
		}
		return err
	}
	return nil
}
