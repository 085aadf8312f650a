package console

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"time"

	"github.com/containerd/console"
	"golang.org/x/sys/unix"
)

// Relay connects a container's pty master to this process's stdin and stdout, for
// `berth run -t` and `berth exec -t` without --console-socket.
type Relay struct {
	master  *os.File // our own pollable dup of the caller's master, so reads can have deadlines
	in, out *os.File
	term    console.Console // the terminal on our side, nil when neither stdin nor stdout is one
	rawIn   bool            // stdin was put in raw mode and must be restored
	winch   chan os.Signal
	done    chan struct{} // closed when master→out ends
	stop    chan struct{} // closed by Close
	stopped chan struct{} // closed when followResizes has returned
	once    sync.Once
	// drainEnd, once set by Drain, bounds how long copyOut goes on reading.
	drainEnd atomic.Pointer[time.Time]
}

// After the program exits, the relay copies what is left while output keeps coming, for at
// most drainLimit: a background process still holding the pty must not keep berth waiting
// (runc returns too), but the program's last lines must not be lost.
const (
	drainIdle  = 100 * time.Millisecond
	drainLimit = 2 * time.Second
)

// StartRelay starts copying stdin→master and master→stdout. When stdin is a terminal it is put
// in raw mode (so ^C and friends reach the container's line discipline, not ours) until Close;
// the master gets our terminal's size now and on every SIGWINCH.
func StartRelay(master *os.File) (*Relay, error) {
	return startRelay(master, os.Stdin, os.Stdout)
}

func startRelay(master, in, out *os.File) (*Relay, error) {
	pollable, err := pollableDup(master)
	if err != nil {
		return nil, err
	}
	r := &Relay{
		master: pollable, in: in, out: out,
		done:    make(chan struct{}),
		stop:    make(chan struct{}),
		stopped: make(chan struct{}),
	}
	if err := r.setupTerminal(); err != nil {
		pollable.Close()
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

// pollableDup gives the relay its own non-blocking fd of the master, which Go's poller can put
// a read deadline on. The caller keeps (and closes) the original.
func pollableDup(master *os.File) (*os.File, error) {
	var fd int
	err := control(master, func(mfd uintptr) error {
		var err error
		fd, err = unix.FcntlInt(mfd, unix.F_DUPFD_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("terminal: dup master: %w", err)
	}
	if err := unix.SetNonblock(fd, true); err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("terminal: master: %w", err)
	}
	return os.NewFile(uintptr(fd), master.Name()), nil
}

// copyOut copies the container's output until the master reports EOF or EIO, which is what a
// pty master reads once every slave fd (the container's side) is closed, or, once Drain was
// called, until the output pauses or the drain limit passes.
func (r *Relay) copyOut() {
	defer close(r.done)
	buf := make([]byte, 32*1024)
	for {
		n, err := r.master.Read(buf)
		if n > 0 {
			if _, werr := r.out.Write(buf[:n]); werr != nil {
				return
			}
		}
		// EIO is the normal end, a deadline the drained one; any other error ends it the same way.
		if err != nil {
			return
		}
		if end := r.drainEnd.Load(); end != nil {
			_ = r.master.SetReadDeadline(earlier(time.Now().Add(drainIdle), *end))
		}
	}
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
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

// Wait returns when the container's side of the pty is closed and its output is copied: for a
// relay that outlives any one program (tests/cmd/recvtty).
func (r *Relay) Wait() {
	<-r.done
}

// Drain is called once the program has exited: it returns when the output is copied, that is
// when the container's side of the pty is closed, or when no output came for drainIdle, or
// after drainLimit, whichever is first. Whatever else still holds the pty keeps it.
func (r *Relay) Drain() {
	now := time.Now()
	end := now.Add(drainLimit)
	r.drainEnd.Store(&end)
	_ = r.master.SetReadDeadline(now.Add(drainIdle))
	<-r.done
}

// Close stops following resizes, restores our terminal's mode and closes the relay's own fd of
// the master; the caller's stays open.
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
		r.master.Close() // ends copyOut if Drain was never called
	})
	if err != nil {
		return fmt.Errorf("restore terminal: %w", err)
	}
	return nil
}
