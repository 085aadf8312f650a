package lsm

import (
	"fmt"
	"os"

	"github.com/cyphar/filepath-securejoin/pathrs-lite"
	"github.com/cyphar/filepath-securejoin/pathrs-lite/procfs"
	"golang.org/x/sys/unix"
)

// writeThreadSelf writes data to /proc/thread-self/<subpath> in one write(2), as the LSM attr
// files require. The file is found through a procfs handle that pathrs-lite opened itself
// (a fresh procfs instance where the kernel allows it), reopened for writing through that
// handle, and checked to be on procfs, so a mount inside the container over /proc, /proc/self
// or the attr file cannot take the write somewhere else.
func writeThreadSelf(subpath, data string) error {
	proc, err := procfs.OpenProcRoot()
	if err != nil {
		return fmt.Errorf("open procfs: %w", err)
	}
	defer proc.Close()
	handle, unlock, err := proc.OpenThreadSelf(subpath)
	if err != nil {
		return err
	}
	// The handle names this thread: keep on it until we are done.
	defer unlock()
	defer handle.Close()
	f, err := pathrs.Reopen(handle, unix.O_WRONLY|unix.O_CLOEXEC)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := checkProcfs(f); err != nil {
		return err
	}
	if _, err := f.Write([]byte(data)); err != nil {
		return err
	}
	return nil
}

// checkProcfs makes sure f is a file of procfs, not of something mounted over it.
func checkProcfs(f *os.File) error {
	var st unix.Statfs_t
	if err := unix.Fstatfs(int(f.Fd()), &st); err != nil {
		return &os.PathError{Op: "fstatfs", Path: f.Name(), Err: err}
	}
	if st.Type != unix.PROC_SUPER_MAGIC {
		return fmt.Errorf("%s: not on procfs (filesystem type %#x)", f.Name(), st.Type)
	}
	return nil
}
