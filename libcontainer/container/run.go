package container

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/berth-runtime/berth/libcontainer/console"
	"github.com/berth-runtime/berth/libcontainer/fdpass"
	"github.com/berth-runtime/berth/libcontainer/signals"
	"github.com/berth-runtime/berth/libcontainer/state"
)

// RunOptions are run's flags: create's plus --detach and --keep.
type RunOptions struct {
	CreateOptions
	Detach bool
	Keep   bool
}

// Run creates and starts a container. Detached, it returns once the program runs. In the
// foreground it relays signals (and the terminal, when it has no console socket), waits, deletes
// the container unless Keep, and returns the program's exit status (128+N for signal N).
func Run(o *RunOptions) (int, error) {
	if o.Detach {
		c, err := Create(&o.CreateOptions)
		if err != nil {
			return 1, err
		}
		defer c.Close()
		if err := c.Start(); err != nil {
			if kerr := c.killAndWait(); kerr != nil {
				slog.Warn("cleanup after failed start: kill init", "id", c.state.ID, "error", kerr)
			}
			if derr := c.destroy(); derr != nil {
				slog.Warn("cleanup after failed start", "id", c.state.ID, "error", derr)
			}
			return 1, err
		}
		return 0, nil
	}
	return runForeground(o)
}

func runForeground(o *RunOptions) (int, error) {
	var consoleHost *os.File
	if o.ConsoleSocket == "" {
		host, child, err := socketpair()
		if err != nil {
			return 1, err
		}
		defer host.Close()
		o.console, consoleHost = child, host
	}
	// Catching every signal costs a millisecond with cgo linked in: the urgent ones in the
	// background now, the others while init sets the container up, all before the program runs.
	fwd := forwardSignalsSoon()
	defer fwd.stop()
	o.onLaunch = fwd.catchRest
	c, l, err := create(&o.CreateOptions)
	if err != nil {
		return 1, err
	}
	defer l.release()
	fwd.target <- l.pidfd
	relay, err := relayTerminal(c, consoleHost)
	if err != nil {
		return 1, c.fail(l, err)
	}
	fwd.allCaught()
	if err := c.start(true); err != nil {
		return 1, c.fail(l, l.explain(err))
	}
	// Unlock while the program runs, so that state, kill, ps and friends can work on it.
	c.Close()
	phases := newPhaseLog("run", o.ID)
	ws := l.reap()
	phases.done("wait", "program exited", "status", exitCode(ws))
	if o.stdio != nil {
		o.stdio.wait()
	}
	if relay != nil {
		relay.Drain()
		relay.Close()
	}
	if !o.Keep {
		if err := deleteStopped(o.Root, o.ID); err != nil {
			slog.Warn("delete after run", "id", o.ID, "error", err)
		}
	}
	return exitCode(ws), nil
}

// relayTerminal receives the pty master from init and connects it to our terminal.
func relayTerminal(c *Container, consoleHost *os.File) (*console.Relay, error) {
	if consoleHost == nil || !c.state.Config.Process.Terminal {
		return nil, nil
	}
	master, err := fdpass.Recv(consoleHost)
	if err != nil {
		return nil, fmt.Errorf("receive terminal from init: %w", err)
	}
	return console.StartRelay(master)
}

// fail kills a container whose start went wrong and removes it.
func (c *Container) fail(l *launched, err error) error {
	l.kill()
	if derr := c.destroy(); derr != nil {
		slog.Warn("cleanup", "id", c.state.ID, "error", derr)
	}
	return err
}

func deleteStopped(root, id string) error {
	c, err := OpenLifecycle(root, id)
	if errors.Is(err, state.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer c.Close()
	return c.delete(true)
}

// forwarder relays the signals berth receives to the container's init once its pidfd is sent
// on target; signals that come earlier wait for it. The urgent signals are caught at once, the
// others when catchRest is called (see signals.Forward).
type forwarder struct {
	target   chan int
	relay    chan *signals.Relay // the relay, once the urgent signals are caught
	rest     chan struct{}       // closed by catchRest
	caught   chan struct{}       // closed once every signal is caught
	quit     chan struct{}       // closed by stop
	restOnce sync.Once
}

// forwardSignalsSoon starts catching signals in the background, so that the cost of it
// overlaps the container's creation.
func forwardSignalsSoon() *forwarder {
	f := &forwarder{
		target: make(chan int, 1), relay: make(chan *signals.Relay, 1),
		rest: make(chan struct{}), caught: make(chan struct{}), quit: make(chan struct{}),
	}
	go func() {
		pidfd := -1
		r := signals.Forward(func(sig unix.Signal) error {
			if pidfd < 0 {
				pidfd = <-f.target
			}
			return unix.PidfdSendSignal(pidfd, sig, nil, 0)
		})
		f.relay <- r
		select {
		case <-f.rest:
			r.CatchRest()
			close(f.caught)
		case <-f.quit:
		}
	}()
	return f
}

// catchRest has the signals that can wait caught now, in the background: call it when berth
// has a CPU to spare, as while init sets the container up. Safe to call more than once.
func (f *forwarder) catchRest() { f.restOnce.Do(func() { close(f.rest) }) }

// allCaught waits until every forwarded signal is caught (after catchRest), so that none sent
// once the program runs is lost.
func (f *forwarder) allCaught() {
	select {
	case <-f.caught:
	case <-f.quit:
	}
}

// stop ends the forwarding (waiting for it to have started); safe to call more than once.
func (f *forwarder) stop() {
	if f.relay == nil {
		return
	}
	r := <-f.relay
	f.relay = nil
	close(f.quit)
	select {
	case f.target <- -1: // unblock a signal still waiting for a target that never came
	default:
	}
	r.Stop()
}

func exitCode(ws unix.WaitStatus) int {
	switch {
	case ws.Exited():
		return ws.ExitStatus()
	case ws.Signaled():
		return 128 + int(ws.Signal())
	}
	return 1
}
