package console

import (
	"errors"
	"fmt"
	"os"

	"github.com/containerd/console"
	"golang.org/x/sys/unix"
)

// ptmxPath is opened relative to the current mount namespace: called in init after pivot_root,
// it is the container's own devpts instance, so the slave's number is valid inside it.
const ptmxPath = "/dev/ptmx"

// NewPty opens a new pty pair from /dev/ptmx: it returns the master, an open slave and the
// slave's path (/dev/pts/N). Both fds are close-on-exec.
func NewPty() (master *os.File, slave *os.File, slavePath string, err error) {
	master, err = os.OpenFile(ptmxPath, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, nil, "", err
	}
	defer func() {
		if err != nil {
			master.Close()
		}
	}()
	var n uint32
	err = control(master, func(fd uintptr) error {
		if err := unix.IoctlSetPointerInt(int(fd), unix.TIOCSPTLCK, 0); err != nil {
			return os.NewSyscallError("ioctl TIOCSPTLCK", err)
		}
		n, err = unix.IoctlGetUint32(int(fd), unix.TIOCGPTN)
		return os.NewSyscallError("ioctl TIOCGPTN", err)
	})
	if err != nil {
		return nil, nil, "", fmt.Errorf("%s: %w", ptmxPath, err)
	}
	slavePath = fmt.Sprintf("/dev/pts/%d", n)
	slave, err = openSlave(master, slavePath)
	if err != nil {
		return nil, nil, "", err
	}
	return master, slave, slavePath, nil
}

// openSlave opens the slave through the master (TIOCGPTPEER, Linux 4.13), which cannot be
// fooled by whatever sits at /dev/pts/N in a hostile rootfs; only a kernel without it falls
// back to the path.
func openSlave(master *os.File, slavePath string) (*os.File, error) {
	var peer int
	err := control(master, func(fd uintptr) error {
		r, _, errno := unix.Syscall(unix.SYS_IOCTL, fd, unix.TIOCGPTPEER,
			uintptr(unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC))
		if errno != 0 {
			return errno
		}
		peer = int(r)
		return nil
	})
	if err == nil {
		return os.NewFile(uintptr(peer), slavePath), nil
	}
	if !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOTTY) {
		return nil, fmt.Errorf("open %s: ioctl TIOCGPTPEER: %w", slavePath, err)
	}
	return os.OpenFile(slavePath, unix.O_RDWR|unix.O_NOCTTY|unix.O_CLOEXEC, 0)
}

// ClearONLCR stops the terminal f from turning "\n" into "\r\n" on output, as runc does: a
// client reading the container's output through the pty gets the lines the program wrote, so
// `berth run c | head -1` gives "/root", not "/root\r". The relaying side's own terminal adds
// the "\r" back when it displays them.
func ClearONLCR(f *os.File) error {
	err := control(f, func(fd uintptr) error { return console.ClearONLCR(fd) })
	if err != nil {
		return fmt.Errorf("%s: clear ONLCR: %w", f.Name(), err)
	}
	return nil
}

// SetSize sets the window size of the terminal f (either side of a pty).
func SetSize(f *os.File, height, width uint16) error {
	ws := &unix.Winsize{Row: height, Col: width}
	return control(f, func(fd uintptr) error {
		return os.NewSyscallError("ioctl TIOCSWINSZ", unix.IoctlSetWinsize(int(fd), unix.TIOCSWINSZ, ws))
	})
}

// getSize reads the window size of the terminal f.
func getSize(f *os.File) (height, width uint16, err error) {
	err = control(f, func(fd uintptr) error {
		ws, err := unix.IoctlGetWinsize(int(fd), unix.TIOCGWINSZ)
		if err != nil {
			return os.NewSyscallError("ioctl TIOCGWINSZ", err)
		}
		height, width = ws.Row, ws.Col
		return nil
	})
	return height, width, err
}

// SetControllingTerminal makes slave this process's stdin, stdout and stderr and its controlling
// terminal. The caller must lead a session without one (init calls setsid first thing). It is
// called in init just before exec; slave itself stays close-on-exec, so the caller need not
// close it.
func SetControllingTerminal(slave *os.File) error {
	return control(slave, func(fd uintptr) error {
		if err := unix.IoctlSetInt(int(fd), unix.TIOCSCTTY, 0); err != nil {
			return fmt.Errorf("%s: %w", slave.Name(), os.NewSyscallError("ioctl TIOCSCTTY", err))
		}
		for target := 0; target <= 2; target++ {
			if err := dupOnto(int(fd), target); err != nil {
				return fmt.Errorf("%s: %w", slave.Name(), err)
			}
		}
		return nil
	})
}

// dupOnto makes target a copy of fd that survives exec.
func dupOnto(fd, target int) error {
	if fd == target {
		// dup3 refuses equal fds: only clear close-on-exec.
		_, err := unix.FcntlInt(uintptr(fd), unix.F_SETFD, 0)
		return os.NewSyscallError("fcntl F_SETFD", err)
	}
	return os.NewSyscallError("dup3", unix.Dup3(fd, target, 0))
}

// control runs fn with f's fd without switching f to blocking mode (as f.Fd() would).
func control(f *os.File, fn func(fd uintptr) error) error {
	rc, err := f.SyscallConn()
	if err != nil {
		return err
	}
	var fnErr error
	if err := rc.Control(func(fd uintptr) { fnErr = fn(fd) }); err != nil {
		return err
	}
	return fnErr
}
