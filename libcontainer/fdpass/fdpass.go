// Package fdpass passes open files between processes over unix sockets (SCM_RIGHTS): the pty
// master to --console-socket, the seccomp notify fd from init to the host and on to
// linux.seccomp.listenerPath, init's pidfd to --pidfd-socket. Each message is one sendmsg
// carrying some data (a name, or the JSON a peer expects) and the fds; receiving checks for
// truncation and makes every fd close-on-exec.
package fdpass

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// maxNameLen bounds the name that travels with a passed file.
const maxNameLen = 4096

// Send sends f over the connected unix socket sock, with f's name as the data.
func Send(sock, f *os.File) error {
	name := f.Name()
	if name == "" {
		name = "fd" // a message must carry at least one byte of data
	}
	if len(name) > maxNameLen {
		name = name[:maxNameLen]
	}
	if err := Write(sock, []byte(name), f); err != nil {
		return fmt.Errorf("send fd %s: %w", name, err)
	}
	return nil
}

// SendTo connects to the unix socket at path, sends data with fd attached in one sendmsg (a
// peer may expect the fd with the first byte, as the runtime-spec's seccomp agent does), and
// closes the connection. The caller keeps fd.
func SendTo(path string, data []byte, fd int) error {
	conn, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return err
	}
	defer conn.Close()
	rc, err := conn.SyscallConn()
	if err != nil {
		return err
	}
	return send(rc, data, fd)
}

// send writes data in full, fd (if not -1) attached to its first byte, waiting while the socket
// is full. A peer reading exactly len(data) bytes gets the fd with them.
func send(rc syscall.RawConn, data []byte, fd int) error {
	if len(data) == 0 {
		return errors.New("no data to carry the fd")
	}
	var oob []byte
	if fd >= 0 {
		oob = unix.UnixRights(fd)
	}
	for len(data) > 0 {
		var n int
		var sendErr error
		err := rc.Write(func(s uintptr) bool {
			n, sendErr = unix.SendmsgN(int(s), data, oob, nil, unix.MSG_NOSIGNAL)
			return !errors.Is(sendErr, unix.EAGAIN)
		})
		if err == nil {
			err = sendErr
		}
		if err != nil {
			return os.NewSyscallError("sendmsg", err)
		}
		data, oob = data[n:], nil // the fd went with the first bytes
	}
	return nil
}

// Write writes data on conn in full, with f (nil for none) attached to its first byte: a file
// with its name (Send), or a frame of package protocol. f stays open (and its number valid)
// for the duration of the send.
func Write(conn *os.File, data []byte, f *os.File) error {
	rc, err := conn.SyscallConn()
	if err != nil {
		return err
	}
	if f == nil {
		return send(rc, data, -1)
	}
	frc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var sendErr error
	if err := frc.Control(func(fd uintptr) { sendErr = send(rc, data, int(fd)) }); err != nil {
		return err
	}
	return sendErr
}

// Read reads up to len(buf) bytes from conn with one recvmsg and returns them with the fds that
// came with them (close-on-exec, the caller's). n == 0 with no error is EOF.
func Read(conn *os.File, buf []byte) (n int, fds []int, err error) {
	rc, err := conn.SyscallConn()
	if err != nil {
		return 0, nil, err
	}
	oob := make([]byte, unix.CmsgSpace(4*4)) // room to notice (and close) extra fds
	var oobn, flags int
	var recvErr error
	err = rc.Read(func(s uintptr) bool {
		n, oobn, flags, _, recvErr = unix.Recvmsg(int(s), buf, oob, unix.MSG_CMSG_CLOEXEC)
		return !errors.Is(recvErr, unix.EAGAIN)
	})
	if err == nil {
		err = recvErr
	}
	if err != nil {
		return 0, nil, os.NewSyscallError("recvmsg", err)
	}
	fds, err = parseRights(oob[:oobn])
	switch {
	case err != nil:
		CloseFds(fds)
		return 0, nil, err
	case flags&(unix.MSG_CTRUNC|unix.MSG_TRUNC) != 0:
		CloseFds(fds)
		return 0, nil, errors.New("message truncated")
	}
	return n, fds, nil
}

// Recv receives one file sent by Send on sock, named as the sender named it and close-on-exec.
// A closed connection gives io.EOF; a message with no fd, several fds or a truncated control
// message is an error (and any fds that came are closed).
func Recv(sock *os.File) (*os.File, error) {
	name := make([]byte, maxNameLen)
	n, fds, err := Read(sock, name)
	switch {
	case err != nil:
		return nil, fmt.Errorf("receive fd: %w", err)
	case len(fds) == 0 && n == 0:
		return nil, fmt.Errorf("receive fd: %w", io.EOF)
	case len(fds) != 1:
		CloseFds(fds)
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

// CloseFds closes fds received and not wanted.
func CloseFds(fds []int) {
	for _, fd := range fds {
		unix.Close(fd)
	}
}
