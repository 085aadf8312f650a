package seccomp

import (
	"errors"
	"fmt"
	"os"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Load installs the filter with seccomp(2) and, if it has SCMP_ACT_NOTIFY rules, returns the
// notify fd (close-on-exec; the caller hands it to SendNotifyFd, directly or through the host).
// A nil Filter loads nothing and returns (nil, nil).
//
// The caller must:
//  1. runtime.LockOSThread() for the rest of its life, so that Load, the no_new_privs prctl
//     and execve all happen on the same OS thread;
//  2. if process.noNewPrivileges: prctl(PR_SET_NO_NEW_PRIVS, 1) first, then Load as the very
//     last step before execve (after dropping capabilities and switching user), so the filter
//     only has to allow execve itself;
//  3. otherwise: Load before dropping capabilities, while the thread still has CAP_SYS_ADMIN
//     (the kernel demands NNP or CAP_SYS_ADMIN), and accept that the filter then also applies
//     to the setuid/capset/... calls that follow;
//  4. after Load, pass the notify fd on before any syscall the filter may notify on.
//
// The filter is synchronised to all of the process's threads (SECCOMP_FILTER_FLAG_TSYNC) so it
// does not matter which Go thread ends up calling execve.
func (f *Filter) Load() (notifyFd *os.File, err error) {
	if f == nil {
		return nil, nil
	}
	fd, err := f.install(f.flags | unix.SECCOMP_FILTER_FLAG_TSYNC_ESRCH)
	if errors.Is(err, unix.EINVAL) && !f.notify {
		// Kernels before 5.7 lack TSYNC_ESRCH; it is only needed together with a listener.
		fd, err = f.install(f.flags)
	}
	if err != nil {
		return nil, fmt.Errorf("seccomp: load filter (flags %#x): %w", f.flags, err)
	}
	if !f.notify {
		return nil, nil
	}
	return os.NewFile(fd, "seccomp-notify"), nil
}

// Program returns the BPF program and the seccomp(2) flags for a process that loads the filter
// itself, single-threaded and without a listener (the C exec path, nsenter/exec.c). A nil
// Filter has an empty program.
func (f *Filter) Program() ([]unix.SockFilter, uintptr) {
	if f == nil {
		return nil, 0
	}
	return f.prog, f.flags &^ unix.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
}

// install makes the seccomp(2) call. With TSYNC but without TSYNC_ESRCH the kernel reports a
// thread it could not synchronise as a positive return value instead of an error.
func (f *Filter) install(flags uintptr) (uintptr, error) {
	if f.notify {
		flags |= unix.SECCOMP_FILTER_FLAG_NEW_LISTENER
	} else {
		// The kernel refuses WAIT_KILLABLE_RECV without a listener (EINVAL); without one it
		// has nothing to change, so asking for it is not an error.
		flags &^= unix.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
	}
	prog := unix.SockFprog{Len: uint16(len(f.prog)), Filter: &f.prog[0]}
	ret, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, flags, uintptr(unsafe.Pointer(&prog)))
	runtime.KeepAlive(f.prog)
	switch {
	case errno == unix.EACCES:
		return 0, fmt.Errorf("%w (needs no_new_privs or CAP_SYS_ADMIN on the calling thread)", os.NewSyscallError("seccomp", errno))
	case errno != 0:
		return 0, os.NewSyscallError("seccomp", errno)
	case ret > 0 && !f.notify && flags&unix.SECCOMP_FILTER_FLAG_TSYNC_ESRCH == 0:
		return 0, fmt.Errorf("seccomp: thread %d could not be synchronised", ret)
	}
	return ret, nil
}
