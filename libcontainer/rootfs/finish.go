package rootfs

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Finish runs after Enter: it masks linux.maskedPaths, makes linux.readonlyPaths and (with
// root.readonly) the root read-only, and applies linux.rootfsPropagation to the new root.
func Finish(c *Config) error {
	r, err := openRoot("/")
	if err != nil {
		return err
	}
	defer r.Close()
	if l := c.Spec.Linux; l != nil {
		for i, p := range l.MaskedPaths {
			if err := maskPath(r, p); err != nil {
				return fmt.Errorf("maskedPaths[%d] %q: %w", i, p, err)
			}
		}
		for i, p := range l.ReadonlyPaths {
			if err := readonlyPath(r, p); err != nil {
				return fmt.Errorf("readonlyPaths[%d] %q: %w", i, p, err)
			}
		}
	}
	if c.Spec.Root != nil && c.Spec.Root.Readonly {
		if err := setAttr(r.dir, &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}, false); err != nil {
			return fmt.Errorf("root.readonly: %w", err)
		}
	}
	if l := c.Spec.Linux; l != nil && l.RootfsPropagation != "" {
		prop, err := rootPropagation(c.Spec)
		if err == nil {
			err = setPropagation(r.dir, prop)
		}
		if err != nil {
			return fmt.Errorf("linux.rootfsPropagation %q: %w", l.RootfsPropagation, err)
		}
	}
	return nil
}

// openExisting opens p inside the rootfs; (nil, nil) means it does not exist.
func openExisting(r *root, p string) (*os.File, error) {
	f, err := r.open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return f, err
}

// maskPath hides a file behind /dev/null and a directory behind an empty read-only tmpfs.
// A missing path is nothing to hide.
func maskPath(r *root, p string) error {
	target, err := openExisting(r, p)
	if target == nil {
		return err
	}
	defer target.Close()
	st, err := fstat(target)
	if err != nil {
		return err
	}
	var mnt *os.File
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		mnt, err = newFS("tmpfs", "tmpfs", unix.MS_RDONLY, "")
	} else {
		mnt, err = devNullMount(r)
	}
	if err != nil {
		return err
	}
	defer mnt.Close()
	return attach(mnt, target)
}

// devNullMount clones the container's /dev/null after checking that it really is the null
// device: an image or a hostile earlier step could have made it a symlink to something the
// mask would then expose read-write (CVE-2025-31133). The clone is taken from the fd that was
// checked, so the check cannot be raced.
func devNullMount(r *root) (*os.File, error) {
	null, err := r.open("/dev/null")
	if err != nil {
		return nil, fmt.Errorf("/dev/null: %w", err)
	}
	defer null.Close()
	st, err := fstat(null)
	if err != nil {
		return nil, err
	}
	if st.Mode&unix.S_IFMT != unix.S_IFCHR || st.Rdev != unix.Mkdev(1, 3) {
		return nil, errors.New("/dev/null is not the null device (char 1:3)")
	}
	return cloneTree(int(null.Fd()), "", false)
}

// readonlyPath binds p onto itself and makes the whole bound tree read-only. mount_setattr
// only adds MOUNT_ATTR_RDONLY, so nosuid/nodev/noexec stay as they were.
func readonlyPath(r *root, p string) error {
	target, err := openExisting(r, p)
	if target == nil {
		return err
	}
	defer target.Close()
	mnt, err := cloneTree(int(target.Fd()), "", true)
	if err != nil {
		return err
	}
	defer mnt.Close()
	if err := setAttr(mnt, &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}, true); err != nil {
		return err
	}
	return attach(mnt, target)
}
