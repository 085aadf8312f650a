package rootfs

import (
	"errors"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// Finish runs after Enter and BindConsole, last of the rootfs's setup: it masks
// linux.maskedPaths, makes linux.readonlyPaths read-only, applies the "ro" that Prepare held
// back and root.readonly, and applies linux.rootfsPropagation to the new root. The read-only
// steps come after everything that creates a file, a mount point or a device node.
func Finish(c *Config) error {
	defer c.closeReadonly()
	r, err := openRoot("/")
	if err != nil {
		return err
	}
	defer r.Close()
	if l := c.Spec.Linux; l != nil {
		if err := maskPaths(r, l.MaskedPaths); err != nil {
			return err
		}
		for i, p := range l.ReadonlyPaths {
			if err := readonlyPath(r, p); err != nil {
				return fmt.Errorf("readonlyPaths[%d] %q: %w", i, p, err)
			}
		}
	}
	if err := c.applyReadonly(r); err != nil {
		return err
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

// applyReadonly makes read-only the mounts whose "ro" Prepare held back, then the root.
func (c *Config) applyReadonly(r *root) error {
	ro := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY}
	for _, l := range c.readonly {
		if err := setAttr(l.mnt, &ro, false); err != nil {
			return mountErr(l.i, l.m, fmt.Errorf("ro: %w", err))
		}
	}
	if c.Spec.Root != nil && c.Spec.Root.Readonly {
		if err := setAttr(r.dir, &ro, false); err != nil {
			return fmt.Errorf("root.readonly: %w", err)
		}
	}
	return nil
}

func (c *Config) closeReadonly() {
	for _, l := range c.readonly {
		l.mnt.Close()
	}
	c.readonly = nil
}

// openExisting opens p inside the rootfs; (nil, nil) means it does not exist.
func openExisting(r *root, p string) (*os.File, error) {
	f, err := r.open(p)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	return f, err
}

// maskPaths hides each of linux.maskedPaths, once: a path listed twice is masked once.
func maskPaths(r *root, paths []string) error {
	m := &masker{r: r}
	defer m.Close()
	for _, p := range uniquePaths(paths) {
		if err := m.mask(p.path); err != nil {
			return fmt.Errorf("maskedPaths[%d] %q: %w", p.i, paths[p.i], err)
		}
	}
	return nil
}

// indexedPath is an entry of a list of paths in the config, with its index for errors.
type indexedPath struct {
	i    int
	path string
}

// uniquePaths lists the paths once each, at their first index, comparing them as the container
// sees them ("/proc/kcore/" and "proc//kcore" are "/proc/kcore").
func uniquePaths(paths []string) []indexedPath {
	seen := make(map[string]bool, len(paths))
	var out []indexedPath
	for i, p := range paths {
		clean := cleanDest(p)
		if !seen[clean] {
			seen[clean] = true
			out = append(out, indexedPath{i, clean})
		}
	}
	return out
}

// masker hides files behind /dev/null and directories behind one empty read-only tmpfs that
// all of them share: it is mounted on the first masked directory and bound onto the others,
// one superblock however many directories the config lists.
type masker struct {
	r     *root
	empty *os.File // the shared tmpfs, once mounted
}

func (m *masker) Close() {
	if m.empty != nil {
		m.empty.Close()
	}
}

// mask hides p; a missing path is nothing to hide.
func (m *masker) mask(p string) error {
	target, err := openExisting(m.r, p)
	if target == nil {
		return err
	}
	defer target.Close()
	st, err := fstat(target)
	if err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		return m.maskDir(target)
	}
	mnt, err := devNullMount(m.r)
	if err != nil {
		return err
	}
	defer mnt.Close()
	return attach(mnt, target)
}

func (m *masker) maskDir(target *os.File) error {
	if m.empty != nil {
		mnt, err := cloneTree(int(m.empty.Fd()), "", false)
		if err != nil {
			return err
		}
		defer mnt.Close()
		return attach(mnt, target)
	}
	mnt, err := newFS("tmpfs", "tmpfs", unix.MS_RDONLY, "")
	if err != nil {
		return err
	}
	if err := attach(mnt, target); err != nil {
		mnt.Close()
		return err
	}
	m.empty = mnt
	return nil
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
