package sys

import (
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// CloseExecFrom marks every fd from first upwards close-on-exec, so that nothing berth holds (or
// inherited from its caller, like containerd's extra socket) survives into the user's program.
func CloseExecFrom(first int) error {
	err := unix.CloseRange(uint(first), ^uint(0), unix.CLOSE_RANGE_CLOEXEC)
	if err == nil {
		return nil
	}
	// Kernels before 5.11 lack CLOSE_RANGE_CLOEXEC: walk /proc/self/fd instead.
	entries, rerr := os.ReadDir("/proc/self/fd")
	if rerr != nil {
		return os.NewSyscallError("close_range", err)
	}
	for _, e := range entries {
		fd := 0
		for _, c := range e.Name() {
			fd = fd*10 + int(c-'0')
		}
		if fd >= first {
			unix.CloseOnExec(fd)
		}
	}
	return nil
}

// InheritFds clears close-on-exec on fds first .. first+n-1, the ones execve must hand on
// (--preserve-fds, LISTEN_FDS).
func InheritFds(first, n int) error {
	for fd := first; fd < first+n; fd++ {
		if _, err := unix.FcntlInt(uintptr(fd), unix.F_SETFD, 0); err != nil {
			return fmt.Errorf("fd %d: %w", fd, os.NewSyscallError("fcntl F_SETFD", err))
		}
	}
	return nil
}

// RetryEINTR calls f until it returns something other than EINTR.
func RetryEINTR(f func() error) error {
	for {
		if err := f(); err != unix.EINTR {
			return err
		}
	}
}
