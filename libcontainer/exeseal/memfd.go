package exeseal

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// The seals that make a memfd immutable. F_SEAL_FUTURE_WRITE (Linux 5.1) also stops writable
// mappings made later; F_SEAL_SEAL stops anyone from lifting the others.
const (
	baseSeals = unix.F_SEAL_SEAL | unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE
	allSeals  = baseSeals | unix.F_SEAL_FUTURE_WRITE
)

// openMemfd copies the binary exe into a sealed memfd and returns a read-only fd of it.
func openMemfd(exe string) (*os.File, error) {
	src, err := os.Open(exe)
	if err != nil {
		return nil, fmt.Errorf("memfd: %w", err)
	}
	defer src.Close()
	mem, err := createExecMemfd("berth")
	if err != nil {
		return nil, fmt.Errorf("memfd: %w", err)
	}
	defer mem.Close()
	if err := copyFile(mem, src); err != nil {
		return nil, fmt.Errorf("memfd: copy %s: %w", exe, err)
	}
	if err := seal(mem); err != nil {
		return nil, fmt.Errorf("memfd: %w", err)
	}
	// The kernel refuses to exec a file that some fd has open for writing (ETXTBSY), and the
	// memfd is born read-write: keep a read-only fd of it and drop the other.
	ro, err := os.OpenFile("/proc/self/fd/"+strconv.Itoa(int(mem.Fd())), os.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("memfd: reopen read-only: %w", err)
	}
	return ro, nil
}

// createExecMemfd makes a sealable, close-on-exec memfd that may be executed. MFD_EXEC (Linux
// 6.3) is needed where vm.memfd_noexec makes new memfds non-executable by default; older
// kernels reject the flag and have no such default.
func createExecMemfd(name string) (*os.File, error) {
	flags := unix.MFD_CLOEXEC | unix.MFD_ALLOW_SEALING
	fd, err := unix.MemfdCreate(name, flags|unix.MFD_EXEC)
	if errors.Is(err, unix.EINVAL) {
		fd, err = unix.MemfdCreate(name, flags)
	}
	if err != nil {
		return nil, os.NewSyscallError("memfd_create", err)
	}
	return os.NewFile(uintptr(fd), "memfd:"+name), nil
}

// copyFile copies all of src into dst in the kernel.
func copyFile(dst, src *os.File) error {
	for {
		n, err := unix.Sendfile(int(dst.Fd()), int(src.Fd()), nil, 1<<30)
		switch {
		case errors.Is(err, unix.EINTR) || errors.Is(err, unix.EAGAIN):
		case err != nil:
			return os.NewSyscallError("sendfile", err)
		case n == 0:
			return nil
		}
	}
}

// seal makes f immutable for good. Kernels before 5.1 do not know F_SEAL_FUTURE_WRITE.
func seal(f *os.File) error {
	_, err := unix.FcntlInt(f.Fd(), unix.F_ADD_SEALS, allSeals)
	if errors.Is(err, unix.EINVAL) {
		_, err = unix.FcntlInt(f.Fd(), unix.F_ADD_SEALS, baseSeals)
	}
	if err != nil {
		return os.NewSyscallError("fcntl F_ADD_SEALS", err)
	}
	got, err := unix.FcntlInt(f.Fd(), unix.F_GET_SEALS, 0)
	if err != nil {
		return os.NewSyscallError("fcntl F_GET_SEALS", err)
	}
	if got&baseSeals != baseSeals {
		return fmt.Errorf("seals %#x, want at least %#x", got, baseSeals)
	}
	return nil
}
