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
	rc, err := sock.SyscallConn()
	if err != nil {
		return fmt.Errorf("send fd %s: %w", name, err)
	}
	frc, err := f.SyscallConn()
	if err != nil {
		return fmt.Errorf("send fd %s: %w", name, err)
	}
	// Control keeps f open (and its number valid) for the duration of the send.
	var sendErr error
	err = frc.Control(func(fd uintptr) { sendErr = send(rc, []byte(name), int(fd)) })
	if err == nil {
		err = sendErr
	}
	if err != nil {
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

// send writes data and fd in one sendmsg, waiting while the socket is full.
func send(rc syscall.RawConn, data []byte, fd int) error {
	if len(data) == 0 {
		return errors.New("no data to carry the fd")
	}
	rights := unix.UnixRights(fd)
	var n int
	var sendErr error
	err := rc.Write(func(s uintptr) bool {
		n, sendErr = unix.SendmsgN(int(s), data, rights, nil, 0)
		return !errors.Is(sendErr, unix.EAGAIN)
	})
	if err == nil {
		err = sendErr
	}
	if err != nil {
		return os.NewSyscallError("sendmsg", err)
	}
	if n != len(data) {
		return fmt.Errorf("sendmsg: short write (%d of %d bytes)", n, len(data))
	}
	return nil
}

// Recv receives one file sent by Send on sock, named as the sender named it and close-on-exec.
// A closed connection gives io.EOF; a message with no fd, several fds or a truncated control
// message is an error (and any fds that came are closed).
func Recv(sock *os.File) (*os.File, error) {
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
	case flags&(unix.MSG_CTRUNC|unix.MSG_TRUNC) != 0:
		closeAll(fds)
		return nil, errors.New("receive fd: message truncated")
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
