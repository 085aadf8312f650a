package rootfs

import (
	"errors"
	"os"

	"golang.org/x/sys/unix"
)

// Thin wrappers over the new mount API. Each retries EINTR and returns an *os.SyscallError so
// that messages read "open_tree: permission denied". Every mount berth makes goes through these:
// a mount is built detached (fsmount or open_tree) and attached with move_mount onto an fd that
// was resolved inside the rootfs, so no path inside the rootfs is ever handed to the kernel.

func retry(f func() error) error {
	for {
		if err := f(); !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}

// newFS creates a detached mount of a fresh filesystem. data are the filesystem's own options;
// flags are MS_* flags, split into superblock flags (for fsconfig) and mount attributes.
func newFS(fstype, source string, flags uintptr, data string) (*os.File, error) {
	var fsfd int
	err := retry(func() (err error) { fsfd, err = unix.Fsopen(fstype, unix.FSOPEN_CLOEXEC); return err })
	if err != nil {
		return nil, os.NewSyscallError("fsopen", err)
	}
	defer unix.Close(fsfd)
	if source != "" {
		if err := unix.FsconfigSetString(fsfd, "source", source); err != nil {
			return nil, os.NewSyscallError("fsconfig source", err)
		}
	}
	for _, sb := range sbFlagNames {
		if flags&sb.ms == 0 {
			continue
		}
		if err := unix.FsconfigSetFlag(fsfd, sb.name); err != nil {
			return nil, os.NewSyscallError("fsconfig "+sb.name, err)
		}
	}
	if err := configureData(fsfd, data); err != nil {
		return nil, err
	}
	if err := retry(func() error { return unix.FsconfigCreate(fsfd) }); err != nil {
		return nil, os.NewSyscallError("fsconfig create", err)
	}
	attr, atime, _ := msToAttr(flags)
	var mfd int
	err = retry(func() (err error) {
		mfd, err = unix.Fsmount(fsfd, unix.FSMOUNT_CLOEXEC, int(attr|atime))
		return err
	})
	if err != nil {
		return nil, os.NewSyscallError("fsmount", err)
	}
	return os.NewFile(uintptr(mfd), fstype), nil
}

// configureData passes "key=value" and "flag" options to fsconfig one by one, as the kernel does
// itself for a mount(2) data string.
func configureData(fsfd int, data string) error {
	for _, opt := range splitData(data) {
		key, value, hasValue := cutOption(opt)
		var err error
		if hasValue {
			err = unix.FsconfigSetString(fsfd, key, value)
		} else {
			err = unix.FsconfigSetFlag(fsfd, key)
		}
		if err != nil {
			return os.NewSyscallError("fsconfig "+opt, err)
		}
	}
	return nil
}

func cutOption(opt string) (key, value string, hasValue bool) {
	for i := 0; i < len(opt); i++ {
		if opt[i] == '=' {
			return opt[:i], opt[i+1:], true
		}
	}
	return opt, "", false
}

// cloneTree returns a detached copy of the mount at dirfd/path (recursive for rbind).
func cloneTree(dirfd int, path string, recursive bool) (*os.File, error) {
	flags := uint(unix.OPEN_TREE_CLONE | unix.OPEN_TREE_CLOEXEC)
	if path == "" {
		flags |= unix.AT_EMPTY_PATH
	}
	if recursive {
		flags |= unix.AT_RECURSIVE
	}
	var fd int
	err := retry(func() (err error) { fd, err = unix.OpenTree(dirfd, path, flags); return err })
	if err != nil {
		return nil, os.NewSyscallError("open_tree", err)
	}
	return os.NewFile(uintptr(fd), "tree:"+path), nil
}

// attach moves the detached mount mnt onto the file or directory target.
func attach(mnt, target *os.File) error {
	err := retry(func() error {
		return unix.MoveMount(int(mnt.Fd()), "", int(target.Fd()), "",
			unix.MOVE_MOUNT_F_EMPTY_PATH|unix.MOVE_MOUNT_T_EMPTY_PATH)
	})
	return os.NewSyscallError("move_mount", err)
}

// setAttr changes the mount attributes (and propagation) of the mount f refers to.
func setAttr(f *os.File, attr *unix.MountAttr, recursive bool) error {
	if attr.Attr_set == 0 && attr.Attr_clr == 0 && attr.Propagation == 0 {
		return nil
	}
	flags := uint(unix.AT_EMPTY_PATH)
	if recursive {
		flags |= unix.AT_RECURSIVE
	}
	err := retry(func() error { return unix.MountSetattr(int(f.Fd()), "", flags, attr) })
	return os.NewSyscallError("mount_setattr", err)
}

// setPropagation applies MS_SHARED/MS_SLAVE/... (with MS_REC for the recursive forms).
func setPropagation(f *os.File, prop uintptr) error {
	attr := unix.MountAttr{Propagation: uint64(prop &^ unix.MS_REC)}
	return setAttr(f, &attr, prop&unix.MS_REC != 0)
}

// openPath opens dirfd/path as an O_PATH handle without following a final symlink.
func openPath(dirfd int, path string) (*os.File, error) {
	var fd int
	err := retry(func() (err error) {
		fd, err = unix.Openat(dirfd, path, unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		return err
	})
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: path, Err: err}
	}
	return os.NewFile(uintptr(fd), path), nil
}

func fstat(f *os.File) (unix.Stat_t, error) {
	var st unix.Stat_t
	err := unix.Fstat(int(f.Fd()), &st)
	return st, os.NewSyscallError("fstat", err)
}
