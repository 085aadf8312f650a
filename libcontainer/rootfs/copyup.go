package rootfs

import (
	"fmt"
	"io"
	"os"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"golang.org/x/sys/unix"
)

// copyUp copies what is under a tmpfs mount point into the new, still detached, tmpfs
// (the "tmpcopyup" option). Everything is done relative to directory fds with O_NOFOLLOW, so
// symlinks in the image are copied as symlinks, never followed.
func copyUp(srcDir, dstMount *os.File) error {
	src, err := pathrs.Reopen(srcDir, unix.O_RDONLY|unix.O_DIRECTORY)
	if err != nil {
		return err
	}
	defer src.Close()
	return copyDir(src, int(dstMount.Fd()))
}

func copyDir(src *os.File, dst int) error {
	names, err := src.Readdirnames(-1)
	if err != nil {
		return err
	}
	for _, name := range names {
		if err := copyEntry(int(src.Fd()), dst, name); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

func copyEntry(src, dst int, name string) error {
	var st unix.Stat_t
	if err := unix.Fstatat(src, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
		return err
	}
	perm := st.Mode &^ unix.S_IFMT
	var err error
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFDIR:
		err = copySubdir(src, dst, name, perm)
	case unix.S_IFREG:
		err = copyFile(src, dst, name, perm)
	case unix.S_IFLNK:
		err = copySymlink(src, dst, name)
	default:
		err = unix.Mknodat(dst, name, st.Mode, int(st.Rdev))
	}
	if err != nil {
		return err
	}
	return unix.Fchownat(dst, name, int(st.Uid), int(st.Gid), unix.AT_SYMLINK_NOFOLLOW)
}

func copySubdir(src, dst int, name string, perm uint32) error {
	if err := unix.Mkdirat(dst, name, 0o700); err != nil {
		return err
	}
	sfd, err := unix.Openat(src, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	sub := os.NewFile(uintptr(sfd), name)
	defer sub.Close()
	dfd, err := unix.Openat(dst, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(dfd)
	if err := copyDir(sub, dfd); err != nil {
		return err
	}
	return unix.Fchmod(dfd, perm)
}

func copyFile(src, dst int, name string, perm uint32) error {
	sfd, err := unix.Openat(src, name, unix.O_RDONLY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if err != nil {
		return err
	}
	in := os.NewFile(uintptr(sfd), name)
	defer in.Close()
	dfd, err := unix.Openat(dst, name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return err
	}
	out := os.NewFile(uintptr(dfd), name)
	defer out.Close()
	if _, err := io.Copy(out, in); err != nil {
		return err
	}
	return unix.Fchmod(dfd, perm)
}

func copySymlink(src, dst int, name string) error {
	buf := make([]byte, unix.PathMax)
	n, err := unix.Readlinkat(src, name, buf)
	if err != nil {
		return err
	}
	return unix.Symlinkat(string(buf[:n]), dst, name)
}
