package cgroups

import (
	"errors"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// removeNow removes the cgroup directories of paths (by controller, as the managers keep them),
// each with the cgroups below it, in one pass: busy, without an error, when one still holds
// processes. The library's removal waits for those up to a second per directory (it retries
// EBUSY with back-off), which is right once they were killed and wrong before: a delete of a
// stopped container whose program left a child behind waited ~10 s, once per v1 hierarchy,
// for processes that nobody had killed yet.
func removeNow(paths map[string]string) (busy bool, err error) {
	for _, p := range paths {
		if p == "" {
			continue
		}
		b, e := removeTree(p)
		busy = busy || b
		err = errors.Join(err, e)
	}
	return busy, err
}

// removeTree removes the cgroup directory path, its sub-cgroups first; busy when a cgroup in it
// still holds processes. As the library does, a path that is not there counts as removed, also
// when rmdir says something else first (a read-only mount answers EROFS for it).
func removeTree(path string) (busy bool, err error) {
	err = rmdir(path)
	if err == nil {
		return false, nil
	}
	entries, rerr := os.ReadDir(path)
	switch {
	case os.IsNotExist(rerr):
		return false, nil
	case rerr != nil:
		return false, rerr
	}
	sub := false
	for _, e := range entries {
		if !e.IsDir() {
			continue
		}
		sub = true
		if busy, err := removeTree(filepath.Join(path, e.Name())); busy || err != nil {
			return busy, err
		}
	}
	if sub {
		err = rmdir(path)
	}
	if errors.Is(err, unix.EBUSY) {
		return true, nil
	}
	return false, err
}

// rmdir removes one cgroup directory; one that is gone already counts as removed.
func rmdir(path string) error {
	for {
		switch err := unix.Rmdir(path); err {
		case nil, unix.ENOENT:
			return nil
		case unix.EINTR:
			continue
		default:
			return &os.PathError{Op: "rmdir", Path: path, Err: err}
		}
	}
}
