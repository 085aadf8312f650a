// Package procfs writes the /proc files that init and the LSM code change (sysctls,
// oom_score_adj, LSM attributes) through a procfs instance that berth opened itself.
//
// A path string such as "/proc/sys/kernel/x" is resolved in the current mount namespace, which
// the container may control: with a joined mount namespace, or once the rootfs's mounts are in
// view, something mounted over /proc, /proc/self or the file itself would take the write
// elsewhere (CVE-2019-16884, CVE-2025-52881). Every write here goes through a handle from
// pathrs-lite (a fresh, unmasked procfs from fsopen where the kernel allows it), is resolved
// without symlinks or mount crossings, and is checked to land on procfs before a byte is written.
package procfs

import (
	"fmt"
	"os"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"github.com/cyphar/filepath-securejoin/pathrs-lite/procfs"
	"golang.org/x/sys/unix"
)

// WriteSysctl writes value to /proc/sys/<rel>; rel is a path relative to /proc/sys that the
// caller has checked (no "..", no leading slash).
func WriteSysctl(rel, value string) error {
	return withRoot(func(proc *procfs.Handle) (*os.File, func(), error) {
		h, err := proc.OpenRoot("sys/" + rel)
		return h, func() {}, err
	}, value)
}

// WriteSelf writes data to /proc/self/<subpath> (per-process files such as oom_score_adj).
func WriteSelf(subpath, data string) error {
	return withRoot(func(proc *procfs.Handle) (*os.File, func(), error) {
		h, err := proc.OpenSelf(subpath)
		return h, func() {}, err
	}, data)
}

// WriteThreadSelf writes data to /proc/thread-self/<subpath> in one write(2), as the LSM attr
// files require. The caller's goroutine stays on its thread until the write is done.
func WriteThreadSelf(subpath, data string) error {
	return withRoot(func(proc *procfs.Handle) (*os.File, func(), error) {
		h, unlock, err := proc.OpenThreadSelf(subpath)
		if err != nil {
			return nil, nil, err
		}
		return h, func() { unlock() }, nil
	}, data)
}

// withRoot opens a procfs root, lets open find the O_PATH handle of the file, reopens it for
// writing, checks it is on procfs and writes data in one call.
func withRoot(open func(*procfs.Handle) (*os.File, func(), error), data string) error {
	proc, err := procfs.OpenProcRoot()
	if err != nil {
		return fmt.Errorf("open procfs: %w", err)
	}
	defer proc.Close()
	handle, release, err := open(proc)
	if err != nil {
		return err
	}
	defer release()
	defer handle.Close()
	f, err := pathrs.Reopen(handle, unix.O_WRONLY|unix.O_CLOEXEC)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := CheckOnProcfs(f); err != nil {
		return err
	}
	_, err = f.Write([]byte(data))
	return err
}

// CheckOnProcfs makes sure f is a file of procfs, not of something mounted over it.
func CheckOnProcfs(f *os.File) error {
	var st unix.Statfs_t
	if err := unix.Fstatfs(int(f.Fd()), &st); err != nil {
		return &os.PathError{Op: "fstatfs", Path: f.Name(), Err: err}
	}
	if st.Type != unix.PROC_SUPER_MAGIC {
		return fmt.Errorf("%s: not on procfs (filesystem type %#x)", f.Name(), st.Type)
	}
	return nil
}
