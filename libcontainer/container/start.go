package container

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/berth-runtime/berth/libcontainer/hooks"
	"github.com/berth-runtime/berth/libcontainer/protocol"
	"github.com/berth-runtime/berth/libcontainer/state"
)

// Start releases a created container's init to exec the user's program, then runs the
// poststart hooks.
func (c *Container) Start() error {
	switch status := c.Status(); status {
	case string(state.Created):
	case string(state.Stopped):
		return fmt.Errorf("cannot start a container that has stopped")
	default:
		return fmt.Errorf("cannot start an already %s container", status)
	}
	conn, err := dialStart(c.dir.Path)
	if err != nil {
		return fmt.Errorf("cannot start: init is gone (%w)", err)
	}
	defer conn.Close()
	// From here on the container reads as running, whatever happens next.
	if err := os.Remove(filepath.Join(c.dir.Path, state.StartSocket)); err != nil {
		return fmt.Errorf("start: %w", err)
	}
	if err := protocol.Send(conn, &protocol.Message{Type: protocol.TypeStart}); err != nil {
		return err
	}
	// init closes the connection by exec'ing (close-on-exec); anything else is its error.
	m, err := protocol.Receive(conn)
	switch {
	case errors.Is(err, protocol.ErrClosed):
	case err != nil:
		return err
	case m.Type == protocol.TypeError:
		return protocol.RemoteError(m.Error)
	default:
		return fmt.Errorf("protocol: unexpected %q message from init", m.Type)
	}
	return c.runPoststartHooks()
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
