// seccomp-listener is the seccomp agent the bats tests use: it listens on a unix socket, takes
// the container process state and the seccomp notify fd that the runtime sends there
// (linux.seccomp.listenerPath), then answers every notification with an errno or "continue".
//
//	seccomp-listener [--errno N | --continue] [--count N] [--names FILE] [--state FILE] SOCKET
//
// Each notified syscall's name is appended to --names as one line; the received state JSON is
// written to --state. It exits 0 after --count notifications (0: no limit) or when every
// process using the filter is gone, and 1 on errors.
package main

import (
	"errors"
	"flag"
	"fmt"
	"net"
	"os"

	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"
)

type options struct {
	errno     int
	cont      bool
	count     int
	namesFile string
	stateFile string
	socket    string
}

func main() {
	var o options
	flag.IntVar(&o.errno, "errno", int(unix.EPERM), "errno to fail notified syscalls with")
	flag.BoolVar(&o.cont, "continue", false, "let notified syscalls run instead of failing them")
	flag.IntVar(&o.count, "count", 0, "exit after this many notifications (0: when the fd closes)")
	flag.StringVar(&o.namesFile, "names", "", "append the name of each notified syscall to this file")
	flag.StringVar(&o.stateFile, "state", "", "write the received container process state here")
	flag.Parse()
	if flag.NArg() != 1 {
		fmt.Fprintln(os.Stderr, "usage: seccomp-listener [flags] SOCKET")
		os.Exit(2)
	}
	o.socket = flag.Arg(0)
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "seccomp-listener:", err)
		os.Exit(1)
	}
}

func run(o options) error {
	state, fd, err := receive(o.socket)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	if o.stateFile != "" {
		if err := os.WriteFile(o.stateFile, state, 0o644); err != nil {
			return err
		}
	}
	names, err := openNames(o.namesFile)
	if err != nil {
		return err
	}
	defer names.Close()
	for n := 0; o.count == 0 || n < o.count; n++ {
		name, err := answerOne(fd, o)
		if errors.Is(err, errClosed) {
			return nil
		}
		if err != nil {
			return err
		}
		if _, err := fmt.Fprintln(names, name); err != nil {
			return err
		}
	}
	return nil
}

// receive accepts one connection on socket and returns the state JSON and the fd sent with it.
func receive(socket string) ([]byte, int, error) {
	_ = os.Remove(socket)
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: socket, Net: "unix"})
	if err != nil {
		return nil, -1, err
	}
	defer ln.Close()
	conn, err := ln.AcceptUnix()
	if err != nil {
		return nil, -1, err
	}
	defer conn.Close()
	buf, oob := make([]byte, 1<<20), make([]byte, unix.CmsgSpace(4*4))
	n, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
	if err != nil {
		return nil, -1, fmt.Errorf("read state: %w", err)
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) == 0 {
		return nil, -1, fmt.Errorf("no fd received with the state (%v)", err)
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) == 0 {
		return nil, -1, fmt.Errorf("no fd received with the state (%v)", err)
	}
	for _, extra := range fds[1:] {
		unix.Close(extra)
	}
	return buf[:n], fds[0], nil
}

func openNames(path string) (*os.File, error) {
	if path == "" {
		return os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	}
	return os.OpenFile(path, os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
}

var errClosed = errors.New("no process uses the filter any more")

// answerOne waits for one notification, answers it and returns the syscall's name.
func answerOne(fd int, o options) (string, error) {
	for {
		if err := waitNotification(fd); err != nil {
			return "", err
		}
		req, err := libseccomp.NotifReceive(libseccomp.ScmpFd(fd))
		if errors.Is(err, unix.ENOENT) {
			continue // the syscall was interrupted by a signal; it will come again
		}
		if err != nil {
			return "", fmt.Errorf("receive: %w", err)
		}
		resp := &libseccomp.ScmpNotifResp{ID: req.ID, Error: int32(o.errno)} // libseccomp negates it
		if o.cont {
			resp = &libseccomp.ScmpNotifResp{ID: req.ID, Flags: libseccomp.NotifRespFlagContinue}
		}
		if err := libseccomp.NotifRespond(libseccomp.ScmpFd(fd), resp); err != nil && !errors.Is(err, unix.ENOENT) {
			return "", fmt.Errorf("respond: %w", err)
		}
		name, err := req.Data.Syscall.GetNameByArch(req.Data.Arch)
		if err != nil {
			name = fmt.Sprintf("syscall-%d", req.Data.Syscall)
		}
		return name, nil
	}
}

// waitNotification polls the notify fd: POLLHUP without POLLIN means every filtered process
// has exited, where a blocking receive would wait forever.
func waitNotification(fd int) error {
	pfd := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
	for {
		_, err := unix.Poll(pfd, -1)
		if errors.Is(err, unix.EINTR) {
			continue
		}
		if err != nil {
			return fmt.Errorf("poll: %w", err)
		}
		if pfd[0].Revents&unix.POLLIN != 0 {
			return nil
		}
		if pfd[0].Revents&(unix.POLLHUP|unix.POLLERR) != 0 {
			return errClosed
		}
	}
}
