package container

import (
	"fmt"
	"net"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// sendPidfd sends a pidfd for init to the unix socket at path (--pidfd-socket), so that a
// supervisor can wait on and signal the container without PID races.
func sendPidfd(path string, pidfd int) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	conn, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: abs, Net: "unix"})
	if err != nil {
		return err
	}
	defer conn.Close()
	rights := unix.UnixRights(pidfd)
	if _, _, err := conn.WriteMsgUnix([]byte("pidfd"), rights, nil); err != nil {
		return fmt.Errorf("send: %w", os.NewSyscallError("sendmsg", err))
	}
	return nil
}
