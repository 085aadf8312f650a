package console

import (
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/sys/unix"
)

// maxNameLen bounds the name that travels with a passed fd.
const maxNameLen = 4096

// SendFd sends f over the connected unix socket sock as SCM_RIGHTS, with f's name as the data.
func SendFd(sock *os.File, f *os.File) error {
	name := f.Name()
	if name == "" {
		name = "fd" // a message must carry at least one byte of data
	}
	if len(name) > maxNameLen {
		name = name[:maxNameLen]
	}
	rc, err := sock.SyscallConn()
	if err != nil {
		return fmt.Errorf("send fd: %w", err)
	}
	var sendErr error
	err = control(f, func(fd uintptr) error {
		rights := unix.UnixRights(int(fd))
		return rc.Write(func(s uintptr) bool {
			sendErr = unix.Sendmsg(int(s), []byte(name), rights, nil, 0)
			return !errors.Is(sendErr, unix.EAGAIN)
		})
	})
	if err == nil {
		err = sendErr
	}
	if err != nil {
		return fmt.Errorf("send fd %s: %w", name, os.NewSyscallError("sendmsg", err))
	}
	return nil
}

// RecvFd receives one fd sent by SendFd on sock and returns it as a file named as the sender
// named it. It is close-on-exec. A closed connection gives io.EOF.
func RecvFd(sock *os.File) (*os.File, error) {
	rc, err := sock.SyscallConn()
	if err != nil {
		return nil, fmt.Errorf("receive fd: %w", err)
	}
	name := make([]byte, maxNameLen)
	oob := make([]byte, unix.CmsgSpace(4*4)) // room to notice (and close) extra fds
	var n, oobn, flags int
	var recvErr error
	err = rc.Read(func(s uintptr) bool {
		n, oobn, flags, _, recvErr = unix.Recvmsg(int(s), name, oob, unix.MSG_CMSG_CLOEXEC)
		return !errors.Is(recvErr, unix.EAGAIN)
	})
	if err == nil {
		err = recvErr
	}
	if err != nil {
		return nil, fmt.Errorf("receive fd: %w", os.NewSyscallError("recvmsg", err))
	}
	fds, err := parseRights(oob[:oobn])
	if err != nil {
		return nil, fmt.Errorf("receive fd: %w", err)
	}
	switch {
	case flags&unix.MSG_CTRUNC != 0:
		closeAll(fds)
		return nil, errors.New("receive fd: control message truncated")
	case len(fds) == 0 && n == 0:
		return nil, fmt.Errorf("receive fd: %w", io.EOF)
	case len(fds) != 1:
		closeAll(fds)
		return nil, fmt.Errorf("receive fd: got %d fds, want 1", len(fds))
	}
	return os.NewFile(uintptr(fds[0]), string(name[:n])), nil
}

// parseRights returns the fds carried by SCM_RIGHTS control messages.
func parseRights(oob []byte) ([]int, error) {
	msgs, err := unix.ParseSocketControlMessage(oob)
	if err != nil {
		return nil, err
	}
	var fds []int
	for i := range msgs {
		got, err := unix.ParseUnixRights(&msgs[i])
		if err != nil {
			continue // not SCM_RIGHTS
		}
		fds = append(fds, got...)
	}
	return fds, nil
}

func closeAll(fds []int) {
	for _, fd := range fds {
		unix.Close(fd)
	}
}
