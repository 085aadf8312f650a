package exeseal

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// openOverlay opens the binary at path through a detached read-only overlayfs. The mount exists
// only as an fd of ours: it is in no mount namespace, so neither the host's mount table nor the
// container ever sees it, and there is nothing to unmount. Closing the mount fd leaves the
// returned file as the mount's only user. want is the stat of the file meant (the running
// binary): what is found at path must still be it.
func openOverlay(path string, want *unix.Stat_t) (*os.File, error) {
	if !filepath.IsAbs(path) {
		return nil, fmt.Errorf("overlay: binary path %q is not absolute", path)
	}
	dir, base := filepath.Split(path)
	mnt, err := mountOverlay(dir)
	if err != nil {
		return nil, fmt.Errorf("overlay on %q: %w", dir, err)
	}
	defer unix.Close(mnt)
	fd, err := unix.Openat(mnt, base, unix.O_PATH|unix.O_CLOEXEC|unix.O_NOFOLLOW, 0)
	if err != nil {
		return nil, fmt.Errorf("overlay: %w", &os.PathError{Op: "openat", Path: base, Err: err})
	}
	f := os.NewFile(uintptr(fd), "berth-overlay")
	if err := checkOverlayFile(f, want); err != nil {
		f.Close()
		return nil, fmt.Errorf("overlay: %w", err)
	}
	return f, nil
}

// mountOverlay returns the fd of a detached, read-only overlayfs whose top layer is dir. With
// no upper layer overlayfs itself refuses every write (EROFS); the mount is made read-only,
// nodev and nosuid on top of that. Overlayfs wants at least two lower layers when there is no
// upper one, and two that do not overlap: the second is an empty tmpfs, detached as well.
func mountOverlay(dir string) (int, error) {
	empty, err := mountEmpty()
	if err != nil {
		return -1, err
	}
	defer unix.Close(empty)
	fsfd, err := unix.Fsopen("overlay", unix.FSOPEN_CLOEXEC)
	if err != nil {
		return -1, os.NewSyscallError("fsopen overlay", err)
	}
	defer unix.Close(fsfd)
	if err := setLowerDirs(fsfd, dir, "/proc/self/fd/"+strconv.Itoa(empty)); err != nil {
		return -1, err
	}
	if err := unix.FsconfigCreate(fsfd); err != nil {
		return -1, os.NewSyscallError("fsconfig create overlay", err)
	}
	return fsmountReadOnly(fsfd)
}

// mountEmpty returns the fd of a detached, empty, read-only tmpfs.
func mountEmpty() (int, error) {
	fsfd, err := unix.Fsopen("tmpfs", unix.FSOPEN_CLOEXEC)
	if err != nil {
		return -1, os.NewSyscallError("fsopen tmpfs", err)
	}
	defer unix.Close(fsfd)
	if err := unix.FsconfigSetString(fsfd, "size", "4k"); err != nil {
		return -1, os.NewSyscallError("fsconfig tmpfs size", err)
	}
	if err := unix.FsconfigCreate(fsfd); err != nil {
		return -1, os.NewSyscallError("fsconfig create tmpfs", err)
	}
	return fsmountReadOnly(fsfd)
}

func fsmountReadOnly(fsfd int) (int, error) {
	attrs := unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NODEV | unix.MOUNT_ATTR_NOSUID
	mnt, err := unix.Fsmount(fsfd, unix.FSMOUNT_CLOEXEC, attrs)
	if err != nil {
		return -1, os.NewSyscallError("fsmount", err)
	}
	return mnt, nil
}

// setLowerDirs names the lower layers, top first. "lowerdir+" (Linux 6.8) takes one path as
// it is; older kernels only know "lowerdir", where ':' separates layers and '\' escapes.
func setLowerDirs(fsfd int, dirs ...string) error {
	var err error
	for _, dir := range dirs {
		if err = unix.FsconfigSetString(fsfd, "lowerdir+", dir); err != nil {
			break
		}
	}
	if errors.Is(err, unix.EINVAL) {
		escaped := make([]string, len(dirs))
		for i, dir := range dirs {
			escaped[i] = escapeLayer(dir)
		}
		err = unix.FsconfigSetString(fsfd, "lowerdir", strings.Join(escaped, ":"))
	}
	if err != nil {
		return os.NewSyscallError("fsconfig lowerdir", err)
	}
	return nil
}

// escapeLayer escapes the characters that the "lowerdir" option gives a meaning to.
func escapeLayer(dir string) string {
	return strings.NewReplacer(`\`, `\\`, `:`, `\:`, `,`, `\,`).Replace(dir)
}

// checkOverlayFile makes sure that f is on a read-only overlayfs and is the very file the
// kernel runs as exe: the binary's path could have been replaced since berth started, and a
// different file must not be exec'd as init. A lower-only overlay file reports the lower
// file's inode number, size and times, though on a device of its own.
func checkOverlayFile(f *os.File, want *unix.Stat_t) error {
	var fs unix.Statfs_t
	if err := unix.Fstatfs(int(f.Fd()), &fs); err != nil {
		return os.NewSyscallError("fstatfs", err)
	}
	if fs.Type != unix.OVERLAYFS_SUPER_MAGIC || fs.Flags&unix.ST_RDONLY == 0 {
		return fmt.Errorf("not a read-only overlayfs (type %#x, flags %#x)", fs.Type, fs.Flags)
	}
	var got unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &got); err != nil {
		return os.NewSyscallError("fstat", err)
	}
	if got.Ino != want.Ino || got.Size != want.Size || got.Mtim != want.Mtim {
		return fmt.Errorf("the file in the overlay is not the running binary")
	}
	if got.Dev == want.Dev {
		return fmt.Errorf("the overlay shows the host's file itself")
	}
	return nil
}
