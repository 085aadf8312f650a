package console

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"

	"github.com/containerd/console"
	"golang.org/x/sys/unix"
)

// Relay connects a container's pty master to this process's stdin and stdout, for
// `berth run -t` and `berth exec -t` without --console-socket.
type Relay struct {
	master  *os.File
	in, out *os.File
	term    console.Console // the terminal on our side, nil when neither stdin nor stdout is one
	rawIn   bool            // stdin was put in raw mode and must be restored
	winch   chan os.Signal
	done    chan struct{} // closed when master→out ends
	stop    chan struct{} // closed by Close
	stopped chan struct{} // closed when followResizes has returned
	once    sync.Once
}

// StartRelay starts copying stdin→master and master→stdout. When stdin is a terminal it is put
// in raw mode (so ^C and friends reach the container's line discipline, not ours) until Close;
// the master gets our terminal's size now and on every SIGWINCH.
func StartRelay(master *os.File) (*Relay, error) {
	return startRelay(master, os.Stdin, os.Stdout)
}

func startRelay(master, in, out *os.File) (*Relay, error) {
	r := &Relay{
		master: master, in: in, out: out,
		done:    make(chan struct{}),
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	if err := r.setupTerminal(); err != nil {
		return nil, err
	}
	go r.copyOut()
	go r.copyIn()
	if r.term != nil {
		r.winch = make(chan os.Signal, 1)
		signal.Notify(r.winch, unix.SIGWINCH)
		r.resize()
		go r.followResizes()
	} else {
		close(r.stopped)
	}
	return r, nil
}

// setupTerminal finds our terminal (stdin first, then stdout) and puts stdin in raw mode.
func (r *Relay) setupTerminal() error {
	if c, err := console.ConsoleFromFile(r.in); err == nil {
		if err := c.SetRaw(); err != nil {
			return fmt.Errorf("stdin: set raw mode: %w", err)
		}
		r.term, r.rawIn = c, true
		return nil
	}
	if c, err := console.ConsoleFromFile(r.out); err == nil {
		r.term = c
	}
	return nil
}

// copyOut copies the container's output until the master reports EOF or EIO, which is what a
// pty master reads once every slave fd (the container's side) is closed.
func (r *Relay) copyOut() {
	defer close(r.done)
	// EIO is the normal end; any other error ends the relay the same way.
	_, _ = io.Copy(r.out, r.master)
}

// copyIn copies our input to the container. It may stay blocked on stdin after the container
// is gone; that goroutine dies with the process.
func (r *Relay) copyIn() {
	_, _ = io.Copy(r.master, r.in)
}

// followResizes applies our terminal's size to the master on every SIGWINCH.
func (r *Relay) followResizes() {
	defer close(r.stopped)
	for {
		select {
		case <-r.winch:
			r.resize()
		case <-r.stop:
			return
		}
	}
}

// resize copies our terminal's size to the master; a failure only leaves the old size.
func (r *Relay) resize() {
	ws, err := r.term.Size()
	if err != nil || ws.Height == 0 && ws.Width == 0 {
		return
	}
	_ = SetSize(r.master, ws.Height, ws.Width)
}

// Wait returns when the container's side of the pty is closed and its output is copied.
func (r *Relay) Wait() {
	<-r.done
}

// Close stops following resizes and restores our terminal's mode. It does not close the master,
// but once it returns the relay no longer touches the master except in the copy goroutines.
func (r *Relay) Close() error {
	var err error
	r.once.Do(func() {
		close(r.stop)
		<-r.stopped // no resize in flight on a master the caller may close next
		if r.winch != nil {
			signal.Stop(r.winch)
		}
		if r.rawIn {
			err = r.term.Reset()
		}
	})
	if err != nil {
		return fmt.Errorf("restore terminal: %w", err)
	}
	return nil
}
