// Package initproc is the container's init: the berth binary re-executed inside the new (or
// joined) namespaces. It receives the config from the host over the sync socket (see package
// protocol for the conversation), builds the container around itself, waits for `start`, and
// replaces itself with the user's program.
//
// All of it runs on the main goroutine, locked to the main OS thread by LockMainThread:
// capabilities, no_new_privs and the pending time namespace belong to a thread, and execve carries
// the calling thread's.
package initproc

import (
	"fmt"
	"os"
	"runtime"
	"strconv"

	"golang.org/x/sys/unix"

	"github.com/berth-runtime/berth/libcontainer/protocol"
	"github.com/berth-runtime/berth/libcontainer/sys"
)

// LockMainThread must be called from an init function of package main when berth runs as init,
// so that the main goroutine never leaves the thread that will call execve.
func LockMainThread() { runtime.LockOSThread() }

// Main is init's entry point; it never returns.
func Main() {
	sync, err := fdFromEnv(protocol.EnvSyncFd)
	if err != nil {
		fmt.Fprintln(os.Stderr, "berth init:", err)
		os.Exit(1)
	}
	openLog()
	i := &initProcess{sync: sync}
	// run returns only when something failed: on success it has become the user's program.
	err = i.runOrRecover()
	// The host prints the error; stderr may be the container's console, so stay quiet there.
	w := i.sync
	if i.startConn != nil {
		w = i.startConn
	}
	if w == nil || protocol.Send(w, &protocol.Message{Kind: protocol.KindError, Error: err.Error()}) != nil || i.execAnnounced {
		// No one to send the error frame to, or maybe no one reading it: the log stream may
		// still reach the host.
		logError(err.Error())
		fmt.Fprintln(os.Stderr, "berth init:", err)
	}
	os.Exit(1)
}

// runOrRecover is run, with a panic turned into an error, so that the host hears why init died
// instead of "exited without saying why".
func (i *initProcess) runOrRecover() (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("init: internal error: %v", r)
		}
	}()
	return i.run()
}

func fdFromEnv(name string) (*os.File, error) {
	v := os.Getenv(name)
	os.Unsetenv(name)
	if v == "" {
		return nil, nil
	}
	fd, err := strconv.Atoi(v)
	if err != nil || fd < 3 {
		return nil, fmt.Errorf("%s=%q: not an fd number", name, v)
	}
	return os.NewFile(uintptr(fd), name), nil
}

// waitForStart blocks until `berth start` connects to the start socket and says start.
func waitForStart(ln *os.File) (*os.File, *protocol.Message, error) {
	defer ln.Close()
	for {
		var fd int
		err := sys.RetryEINTR(func() (err error) {
			fd, _, err = unix.Accept4(int(ln.Fd()), unix.SOCK_CLOEXEC)
			return err
		})
		if err != nil {
			return nil, nil, fmt.Errorf("wait for start: %w", err)
		}
		conn := os.NewFile(uintptr(fd), "start connection")
		if m, err := protocol.Expect(conn, protocol.KindStart); err == nil {
			takeLogStream(m)
			return conn, m, nil
		}
		// A connection that did not say start (a probe, a crashed start): keep waiting.
		conn.Close()
	}
}
