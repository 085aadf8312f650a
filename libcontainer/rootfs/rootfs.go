// Package rootfs prepares the container's filesystem from inside its init: the mounts of the
// spec, /dev, the switch into the rootfs (pivot_root), and the masked and read-only paths.
//
// Every path inside the rootfs is treated as hostile (CVE-2021-30465, CVE-2024-45310,
// CVE-2025-31133, CVE-2025-52565): the rootfs is held as a directory fd, destinations are
// resolved and created inside it with pathrs-lite, and mounts are built detached (fsopen,
// open_tree) and attached with move_mount onto the fd that was resolved. No mount, mkdir or
// create is ever given a path string under the rootfs.
//
// The order inside init is Prepare, Enter, then BindConsole (with a terminal) and Finish.
package rootfs

import (
	"errors"
	"fmt"
	"os"

	"github.com/moby/sys/mountinfo"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Config is what this package needs from the container's configuration.
type Config struct {
	Spec     *specs.Spec
	Rootfs   string // absolute host path of root.path, symlinks already resolved by the host
	NoPivot  bool   // --no-pivot: MS_MOVE the rootfs onto / and chroot instead of pivot_root
	InUserNS bool   // the container has its own user namespace: devices are bound from the host, not mknod'ed
	CgroupNS bool   // the container has its own cgroup namespace (new or joined): cgroup mounts show only its part
	// IDMap has the host give the detached clone of idmapped bind mount Spec.Mounts[index] its
	// id mappings (see package idmap), before doMount attaches it.
	IDMap func(index int, mnt *os.File) error

	readonly []laterReadonly // mounts Prepare made whose "ro" Finish applies
}

// laterReadonly is a mount of spec.Mounts (index i) left writable until Finish.
type laterReadonly struct {
	i   int
	m   specs.Mount
	mnt *os.File
}

// Prepare runs before Enter, in the container's new mount namespace: it cuts the propagation of
// mounts back to the host, binds the rootfs onto itself, performs spec.Mounts in order and
// fills /dev. Relative bind sources are resolved against the current directory. The "ro" of a
// tmpfs or of /dev waits for Finish, like root.readonly, so that everything still to be created
// in them (mount points, devices, /dev/console) can be.
func Prepare(c *Config) error {
	prop, err := rootPropagation(c.Spec)
	if err != nil {
		return err
	}
	first := prop
	if prop&unix.MS_UNBINDABLE != 0 {
		// An unbindable / could not be bound onto itself (runc fails there); isolate from the
		// host as by default, and let Finish make the new root unbindable.
		first = unix.MS_SLAVE | unix.MS_REC
	}
	if err := mountPath("/", first); err != nil {
		return fmt.Errorf("make / %s: %w", propagationName(first), err)
	}
	if err := bindRootfs(c.Rootfs); err != nil {
		return fmt.Errorf("root.path %q: %w", c.Rootfs, err)
	}
	r, err := openRoot(c.Rootfs)
	if err != nil {
		return fmt.Errorf("root.path: %w", err)
	}
	defer r.Close()
	if prop&unix.MS_SHARED != 0 {
		if err := unshareRootfs(r); err != nil {
			return fmt.Errorf("linux.rootfsPropagation: %w", err)
		}
	}
	for i, m := range c.Spec.Mounts {
		mnt, err := doMount(r, c, m, c.idmapFor(i, m))
		if err != nil {
			return mountErr(i, m, err)
		}
		if mnt != nil {
			c.readonly = append(c.readonly, laterReadonly{i, m, mnt})
		}
	}
	return setupDev(r, c)
}

// rootPropagation is linux.rootfsPropagation as MS_* flags; by default MS_SLAVE|MS_REC, so the
// host's mounts still reach the container but nothing done here reaches the host.
func rootPropagation(s *specs.Spec) (uintptr, error) {
	if s.Linux == nil || s.Linux.RootfsPropagation == "" {
		return unix.MS_SLAVE | unix.MS_REC, nil
	}
	p, ok := propagationOptions[s.Linux.RootfsPropagation]
	if !ok {
		return 0, fmt.Errorf("linux.rootfsPropagation %q: unknown propagation", s.Linux.RootfsPropagation)
	}
	return p, nil
}

func propagationName(p uintptr) string {
	for name, v := range propagationOptions {
		if v == p {
			return name
		}
	}
	return fmt.Sprintf("%#x", p)
}

// mountPath changes the propagation of a trusted path outside the rootfs ("/", ".").
func mountPath(p string, flags uintptr) error {
	return os.NewSyscallError("mount", retry(func() error { return unix.Mount("", p, "", flags, "") }))
}

// bindRootfs binds the rootfs onto itself so that it is a mount point, which pivot_root needs.
func bindRootfs(rootfs string) error {
	target, err := openPath(unix.AT_FDCWD, rootfs)
	if err != nil {
		return err
	}
	defer target.Close()
	mnt, err := cloneTree(unix.AT_FDCWD, rootfs, true)
	if err != nil {
		return err
	}
	defer mnt.Close()
	return attach(mnt, target)
}

// unshareRootfs makes the rootfs mount, the mount it sits on and / private (not recursively):
// pivot_root and MS_MOVE refuse shared mounts there. The mounts below keep their (shared)
// propagation, and Finish makes the new root shared again.
func unshareRootfs(r *root) error {
	parent, err := parentMount(r.path)
	if err != nil {
		return err
	}
	for _, p := range []string{"/", parent} {
		if err := mountPath(p, unix.MS_PRIVATE); err != nil {
			return fmt.Errorf("make %q private: %w", p, err)
		}
	}
	return setPropagation(r.dir, unix.MS_PRIVATE)
}

// parentMount is the mount point that the rootfs bind sits on: the deepest mount point that
// is the rootfs path or one of its parents (host paths, before the bind was made: the bind
// itself is ignored because it comes last in mountinfo).
func parentMount(rootfs string) (string, error) {
	mounts, err := mountinfo.GetMounts(mountinfo.ParentsFilter(rootfs))
	if err != nil {
		return "", fmt.Errorf("mountinfo: %w", err)
	}
	best := "/"
	for _, m := range mounts[:max(len(mounts)-1, 0)] {
		if len(m.Mountpoint) > len(best) {
			best = m.Mountpoint
		}
	}
	return best, nil
}

// Enter makes the rootfs the process's root and current directory.
func Enter(c *Config) error {
	if err := unix.Chdir(c.Rootfs); err != nil {
		return fmt.Errorf("root.path: %w", &os.PathError{Op: "chdir", Path: c.Rootfs, Err: err})
	}
	if c.NoPivot {
		return moveRoot()
	}
	return pivotRoot()
}

// pivotRoot uses pivot_root(".", "."): the old root ends up stacked on the new one and is
// detached at once, so no directory for it is needed inside the rootfs.
func pivotRoot() error {
	if err := unix.PivotRoot(".", "."); err != nil {
		return os.NewSyscallError("pivot_root", err)
	}
	// The unmount of the old root must not propagate to the host's mounts.
	if err := mountPath(".", unix.MS_SLAVE|unix.MS_REC); err != nil {
		return fmt.Errorf("old root: %w", err)
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return fmt.Errorf("old root: %w", os.NewSyscallError("umount", err))
	}
	return os.NewSyscallError("chdir", unix.Chdir("/"))
}

// moveRoot is --no-pivot: the rootfs mount is moved onto / and the process chroots into it. The
// host's root stays reachable to anything that escapes the chroot, which is why it is opt-in.
func moveRoot() error {
	if err := unix.Mount(".", "/", "", unix.MS_MOVE, ""); err != nil {
		return os.NewSyscallError("mount move", err)
	}
	if err := unix.Chroot("."); err != nil {
		return os.NewSyscallError("chroot", err)
	}
	return os.NewSyscallError("chdir", unix.Chdir("/"))
}

// BindConsole binds the pty slave onto /dev/console. It runs after Enter; both paths are
// resolved inside the new root, the slave must be a pty, and an existing /dev/console is used
// only if it is a plain file or device (never a symlink).
func BindConsole(slavePath string) error {
	r, err := openRoot("/")
	if err != nil {
		return err
	}
	defer r.Close()
	slave, err := r.open(slavePath)
	if err != nil {
		return fmt.Errorf("console %q: %w", slavePath, err)
	}
	defer slave.Close()
	if err := checkPtySlave(slave); err != nil {
		return fmt.Errorf("console %q: %w", slavePath, err)
	}
	target, err := r.consoleTarget()
	if err == nil {
		err = checkBindTarget(target)
	}
	if err != nil {
		return fmt.Errorf("/dev/console: %w", err)
	}
	defer target.Close()
	mnt, err := cloneTree(int(slave.Fd()), "", false)
	if err != nil {
		return fmt.Errorf("/dev/console: %w", err)
	}
	defer mnt.Close()
	if err := attach(mnt, target); err != nil {
		return fmt.Errorf("/dev/console: %w", err)
	}
	return nil
}

// checkPtySlave accepts only UNIX98 pty slaves (character devices with majors 136-143).
func checkPtySlave(f *os.File) error {
	st, err := fstat(f)
	if err != nil {
		return err
	}
	if major := unix.Major(st.Rdev); st.Mode&unix.S_IFMT != unix.S_IFCHR || major < 136 || major > 143 {
		return errors.New("not a pty slave")
	}
	return nil
}
