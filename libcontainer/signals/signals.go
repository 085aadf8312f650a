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

// Forward catches every catchable signal this process receives (see notForwarded) and passes
// it to send, until stop is called. Errors from send are ignored: the target may already be
// gone, and the caller learns that from its own wait.
//
// After stop the signals stay caught, and are dropped: berth is then removing what it made
// (run deletes the container once it exited) and should finish that rather than die half-way;
// it exits moments later. This is also cheaper: the Go runtime changes each signal's
// disposition through a round trip with a thread of its own, ~15 us per signal, so giving back
// the defaults of 56 signals cost ~0.75 ms at the end of every run and exec.
func Forward(send func(unix.Signal) error) (stop func()) {
	ch := make(chan os.Signal, 64)
	signal.Notify(ch, forwardedSignals()...)
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		for {
			select {
			case s := <-ch:
				_ = send(s.(unix.Signal))
			case <-done:
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() {
			close(done)
			<-finished
		})
	}
}
