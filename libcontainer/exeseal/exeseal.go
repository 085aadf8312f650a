// Package exeseal hands out a copy of the running berth binary that a container can never write
// through (CVE-2019-5736).
//
// berth re-executes itself as the container's init. A process in the container can reach the
// executable of that init through /proc/<pid>/exe (or /proc/self/exe while it is being exec'd)
// and, if that were the host's file, reopen it for writing once berth has left it and plant code
// that the host runs as root the next time. So init is never started from /proc/self/exe: the
// host opens a sealed view of its binary with Open and execs that instead.
//
// Two ways are tried, cheapest first (numbers in exeseal_test.go's benchmarks):
//
//   - overlay: a read-only overlayfs whose only lower layer is the binary's directory, created
//     with fsopen/fsmount as a detached mount that no mount table ever shows; the binary is
//     opened through it O_PATH and the mount fd closed (the file keeps the mount alive). Nothing
//     is copied. Writes through it fail with EROFS, and its inode is the overlay's, not the host's.
//   - memfd: a sealed memfd holding a copy of the binary. It costs a copy of the whole binary per
//     start, but needs no overlayfs (which some user namespaces and kernels do not offer).
package exeseal

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"

	"golang.org/x/sys/unix"
)

// selfExe is the running binary as the kernel knows it: present even if the file was replaced.
const selfExe = "/proc/self/exe"

// Open returns an O_CLOEXEC fd for the running berth binary that nobody can write through.
// Start init from it rather than from /proc/self/exe: pass it to the child (for example as the
// last exec.Cmd.ExtraFiles entry) and exec "/proc/self/fd/N" with N its number in the child.
// The caller closes it once the child has been started.
func Open() (*os.File, error) {
	f, errOverlay := openSelfOverlay()
	if errOverlay == nil {
		return f, nil
	}
	// Unprivileged (rootless) berth may not mount an overlay: the copy is the way then.
	slog.Debug("seal own binary: no overlay, copying it into a sealed memfd", "error", errOverlay)
	f, errMemfd := openMemfd(selfExe)
	if errMemfd == nil {
		return f, nil
	}
	return nil, fmt.Errorf("seal own binary: %w", errors.Join(errOverlay, errMemfd))
}

// openSelfOverlay opens the running binary through a read-only overlay of its directory.
func openSelfOverlay() (*os.File, error) {
	path, err := os.Readlink(selfExe)
	if err != nil {
		return nil, fmt.Errorf("overlay: %w", err)
	}
	// A binary deleted or replaced since berth started is no longer at that path ("(deleted)").
	if strings.HasSuffix(path, " (deleted)") {
		return nil, fmt.Errorf("overlay: own binary %q is not reachable by path", path)
	}
	var st unix.Stat_t
	if err := unix.Stat(selfExe, &st); err != nil {
		return nil, fmt.Errorf("overlay: %w", &os.PathError{Op: "stat", Path: selfExe, Err: err})
	}
	return openOverlay(path, &st)
}
