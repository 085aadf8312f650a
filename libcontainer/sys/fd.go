package sys

import (
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

// RetryEINTR calls f until it returns something other than EINTR.
func RetryEINTR(f func() error) error {
	for {
		if err := f(); err != unix.EINTR {
			return err
		}
	}
}
