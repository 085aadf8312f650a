// Package signals turns signal names into numbers for `berth kill` and relays the signals
// berth receives to a container's process.
package signals

import (
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// maxSignal is SIGRTMAX on Linux.
const maxSignal = 64

// Parse accepts what runc 1.1 accepts (observed with /usr/sbin/runc kill): a decimal number, or
// a name in any case with or without the "SIG" prefix ("KILL", "sigkill", "Term"). Realtime
// signals are accepted by number only. Aliases such as SIGIOT or SIGCLD are not names here.
func Parse(s string) (unix.Signal, error) {
	if n, err := strconv.Atoi(s); err == nil {
		if n < 0 || n > maxSignal {
			return 0, fmt.Errorf("unknown signal %q", s)
		}
		return unix.Signal(n), nil
	}
	name := strings.ToUpper(s)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if sig := unix.SignalNum(name); sig != 0 {
		return sig, nil
	}
	return 0, fmt.Errorf("unknown signal %q", s)
}

// notForwarded are the signals Forward leaves alone: SIGCHLD is about berth's own children,
// SIGURG is how the Go runtime preempts goroutines, SIGPIPE concerns berth's own writes, and
// SIGKILL/SIGSTOP cannot be caught. Signals 32 and 33 are reserved by the C library for its
// threads. SIGWINCH stays with berth: with a terminal, resizing the container's pty is what
// tells the container.
var notForwarded = map[unix.Signal]bool{
	unix.SIGCHLD: true, unix.SIGURG: true, unix.SIGPIPE: true, unix.SIGWINCH: true,
	unix.SIGKILL: true, unix.SIGSTOP: true, 32: true, 33: true,
}

// forwardedSignals lists the signals Forward catches.
func forwardedSignals() []os.Signal {
	var sigs []os.Signal
	for s := unix.Signal(1); s <= maxSignal; s++ {
		if notForwarded[s] {
			continue
		}
		sigs = append(sigs, s)
	}
	return sigs
}

// urgent are the forwarded signals that end or stop berth unless caught: the Go runtime exits
// on SIGHUP, SIGINT and SIGTERM, dumps its stacks and exits on SIGQUIT, SIGABRT, SIGSYS and on
// the synchronous signals when someone sends them, and leaves the job-control stops to the
// kernel. Every other forwarded signal (SIGUSR1, SIGALRM, the realtime ones, ...) it ignores
// until it is caught.
var urgent = map[unix.Signal]bool{
	unix.SIGHUP: true, unix.SIGINT: true, unix.SIGQUIT: true, unix.SIGILL: true,
	unix.SIGTRAP: true, unix.SIGABRT: true, unix.SIGBUS: true, unix.SIGFPE: true,
	unix.SIGSEGV: true, unix.SIGTERM: true, unix.SIGSTKFLT: true, unix.SIGTSTP: true,
	unix.SIGTTIN: true, unix.SIGTTOU: true, unix.SIGSYS: true,
}

// split parts the forwarded signals into the urgent ones and the rest.
func split() (first, rest []os.Signal) {
	for _, s := range forwardedSignals() {
		if urgent[s.(unix.Signal)] {
			first = append(first, s)
		} else {
			rest = append(rest, s)
		}
	}
	return first, rest
}

// Relay passes the signals this process receives on to a container's process (Forward).
type Relay struct {
	ch       chan os.Signal
	rest     []os.Signal
	done     chan struct{}
	finished chan struct{}
	once     sync.Once
}

// Forward catches the urgent signals (those that would end or stop berth otherwise) and passes
// each one this process receives to send, until Stop. The others are caught by CatchRest: the Go
// runtime changes each signal's disposition through a round trip with a thread of its own (~15
// us, and two context switches on each side), and 41 of the 56 forwarded signals can wait for a
// moment when a CPU is idle, such as while init sets the container up. Until then the runtime
// ignores them. Errors from send are ignored: the target may already be gone, and the caller
// learns that from its own wait.
//
// After Stop the signals stay caught, and are dropped: berth is then removing what it made
// (run deletes the container once it exited) and should finish that rather than die half-way;
// it exits moments later. This is also cheaper: giving back the defaults of 56 signals would cost
// ~0.75 ms at the end of every run and exec.
func Forward(send func(unix.Signal) error) *Relay {
	first, rest := split()
	r := &Relay{
		ch: make(chan os.Signal, 64), rest: rest,
		done: make(chan struct{}), finished: make(chan struct{}),
	}
	signal.Notify(r.ch, first...)
	go func() {
		defer close(r.finished)
		for {
			select {
			case s := <-r.ch:
				_ = send(s.(unix.Signal))
			case <-r.done:
				return
			}
		}
	}()
	return r
}

// CatchRest catches the signals Forward left for later; it returns once they are all caught.
func (r *Relay) CatchRest() { signal.Notify(r.ch, r.rest...) }

// Stop ends the forwarding; safe to call more than once.
func (r *Relay) Stop() {
	r.once.Do(func() {
		close(r.done)
		<-r.finished
	})
}
