package rootfs

import (
	"errors"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// mountErr names the spec field a mount error is about:
// `mounts[1] (proc) destination "/proc": mount: operation not permitted`.
func mountErr(i int, m specs.Mount, err error) error {
	if m.Type == "" {
		return fmt.Errorf("mounts[%d] destination %q: %w", i, m.Destination, err)
	}
	return fmt.Errorf("mounts[%d] (%s) destination %q: %w", i, m.Type, m.Destination, err)
}

// isBind says whether a spec mount is a bind mount: by option, or by type "bind"/"none".
func isBind(m specs.Mount, opts MountOptions) bool {
	return opts.IsBind() || m.Type == "bind" || m.Type == "none"
}

// doMount performs one entry of spec.Mounts inside the rootfs. idmap is nil unless m is an
// idmapped bind mount. When the mount's "ro" has to wait (see readonlyLater), the mount is made
// writable and returned: the caller owns it and makes it read-only in Finish.
func doMount(r *root, c *Config, m specs.Mount, idmap func(*os.File) error) (*os.File, error) {
	dest := cleanDest(m.Destination)
	if dest == "/" {
		return nil, errors.New("mounting over the rootfs itself is not supported")
	}
	opts, err := ParseOptions(m.Options)
	if err != nil {
		return nil, err
	}
	if opts.Flags&unix.MS_REMOUNT != 0 {
		return nil, remount(r, dest, opts)
	}
	bind := isBind(m, opts)
	later := readonlyLater(m, dest, bind, opts)
	if later {
		opts.Flags &^= unix.MS_RDONLY
	}
	forceReadOnlyCgroupfs(c, m, bind, &opts)
	// Checked twice: on the spec's path before anything is created, and on where the target
	// really is once resolved (a symlink in the image may lead into /proc).
	if err := checkProcDest(dest, m, bind); err != nil {
		return nil, err
	}
	if err := checkOrdinaryDir(r, dest, m, bind); err != nil {
		return nil, err
	}
	target, err := mountTarget(r, dest, m.Source, bind)
	if err != nil {
		return nil, err
	}
	defer target.Close()
	where, err := r.containerPath(target)
	if err != nil {
		return nil, err
	}
	if err := checkProcDest(where, m, bind); err != nil {
		return nil, err
	}
	if needsOrdinaryDir(m, bind) && where != dest {
		return nil, notOrdinaryDir(dest, fmt.Sprintf("a path that leads to %q", where))
	}
	mnt, err := newMount(r, c, m, opts, bind, target)
	if err != nil {
		return nil, err
	}
	if idmap != nil {
		if err := idmap(mnt); err != nil {
			mnt.Close()
			return nil, err
		}
	}
	if err := attachMount(mnt, target, c, m, bind, opts); err != nil {
		mnt.Close()
		return nil, err
	}
	if later {
		return mnt, nil
	}
	mnt.Close()
	return nil, nil
}

// attachMount puts the detached mount in place and applies what needs it attached.
func attachMount(mnt, target *os.File, c *Config, m specs.Mount, bind bool, opts MountOptions) error {
	if err := attach(mnt, target); err != nil {
		return fmt.Errorf("mount: %w", err)
	}
	if m.Type == "cgroup" && !bind && !unifiedHost() {
		if err := populateCgroupV1(mnt, c, opts); err != nil {
			return err
		}
	}
	return finishMount(mnt, opts)
}

// readonlyLater says whether a mount's "ro" waits for Finish, as runc does: a tmpfs and the
// filesystem on /dev are the container's own and still get mount points (/dev/pts, /dev/shm),
// device nodes, /dev/console or a tmpcopyup copy made in them after they are mounted. A bind
// mount is read-only at once: what would be created in it lands on the host.
func readonlyLater(m specs.Mount, dest string, bind bool, opts MountOptions) bool {
	return !bind && opts.Flags&unix.MS_RDONLY != 0 && (m.Type == "tmpfs" || dest == "/dev")
}

// needsOrdinaryDir: proc and sysfs go only onto a real directory of the rootfs. A symlink
// there would carry them elsewhere and leave the path the masks and checks expect (/proc/...)
// pointing into a filesystem the image chose.
func needsOrdinaryDir(m specs.Mount, bind bool) bool {
	return !bind && (m.Type == "proc" || m.Type == "sysfs")
}

// checkOrdinaryDir refuses, before anything is created, a proc or sysfs destination that exists
// in the rootfs as something other than a directory (a symlink is not followed). A missing one
// is fine: mountTarget creates it. doMount checks the resolved target again, which no swap
// between the two steps can fool.
func checkOrdinaryDir(r *root, dest string, m specs.Mount, bind bool) error {
	if !needsOrdinaryDir(m, bind) {
		return nil
	}
	parent, err := r.open(path.Dir(dest))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	defer parent.Close()
	var st unix.Stat_t
	err = unix.Fstatat(int(parent.Fd()), path.Base(dest), &st, unix.AT_SYMLINK_NOFOLLOW)
	switch {
	case errors.Is(err, unix.ENOENT):
		return nil
	case err != nil:
		return &os.PathError{Op: "fstatat", Path: dest, Err: err}
	case st.Mode&unix.S_IFMT == unix.S_IFLNK:
		return notOrdinaryDir(dest, "a symlink in the rootfs")
	case st.Mode&unix.S_IFMT != unix.S_IFDIR:
		return notOrdinaryDir(dest, fmt.Sprintf("a file of type %#o", st.Mode&unix.S_IFMT))
	}
	return nil
}

func notOrdinaryDir(dest, found string) error {
	return fmt.Errorf("%s must be mounted on an ordinary directory, not %s", dest, found)
}

// forceReadOnlyCgroupfs makes a cgroup or cgroup2 mount read-only unless the container has its
// own cgroup namespace and no user namespace: a writable view of the host's hierarchy lets a
// container change its own limits or, on v1, set a release_agent (CVE-2023-25809, and the
// release_agent escapes before it).
func forceReadOnlyCgroupfs(c *Config, m specs.Mount, bind bool, opts *MountOptions) {
	if bind || (m.Type != "cgroup" && m.Type != "cgroup2") {
		return
	}
	if c.CgroupNS && !c.InUserNS {
		return
	}
	opts.Flags |= unix.MS_RDONLY
	opts.Cleared &^= unix.MS_RDONLY
}

// mountTarget resolves (creating if needed) where a mount goes. A bind mount of a file needs
// a file to mount onto; everything else mounts onto a directory.
func mountTarget(r *root, dest, source string, bind bool) (*os.File, error) {
	if bind {
		st, err := os.Stat(source)
		if err != nil {
			return nil, fmt.Errorf("bind source: %w", err)
		}
		if !st.IsDir() {
			return r.fileTarget(dest)
		}
	}
	return r.mkdirAll(dest, 0o755)
}

// newMount builds the detached mount for m.
func newMount(r *root, c *Config, m specs.Mount, opts MountOptions, bind bool, target *os.File) (*os.File, error) {
	switch {
	case bind:
		return bindMount(m.Source, opts, c.InUserNS)
	case (m.Type == "cgroup" || m.Type == "cgroup2") && unifiedHost():
		return cgroup2Mount(c, opts)
	case m.Type == "cgroup":
		return cgroupV1Mount(opts)
	}
	mnt, err := newFS(m.Type, m.Source, opts.Flags, opts.Data)
	if m.Type == "sysfs" && c.InUserNS && errors.Is(err, unix.EPERM) {
		// Without its own network namespace a user namespace may not mount sysfs; the host's
		// /sys, bound recursively with the same flags, is the usual substitute.
		opts.Flags |= unix.MS_BIND | unix.MS_REC
		return bindMount("/sys", opts, true)
	}
	if err != nil {
		return nil, fmt.Errorf("mount: %w", err)
	}
	if opts.TmpCopyUp && m.Type == "tmpfs" {
		if err := copyUp(target, mnt); err != nil {
			mnt.Close()
			return nil, fmt.Errorf("tmpcopyup: %w", err)
		}
	}
	return mnt, nil
}

// bindMount clones the source tree and sets the requested per-mount flags on its top mount.
// mount_setattr only touches the bits asked for, so flags the kernel locked on the source
// (nosuid, nodev, noexec inherited from a more privileged namespace) stay as they were.
func bindMount(source string, opts MountOptions, inUserNS bool) (*os.File, error) {
	mnt, err := cloneTree(unix.AT_FDCWD, source, opts.Flags&unix.MS_REC != 0)
	if err != nil {
		return nil, fmt.Errorf("bind %q: %w", source, err)
	}
	attr, err := bindAttr(source, opts, inUserNS)
	if err == nil {
		err = setAttr(mnt, &attr, false)
	}
	if err != nil {
		mnt.Close()
		return nil, fmt.Errorf("bind %q: %w", source, err)
	}
	return mnt, nil
}

// bindAttr works out the mount_setattr change for a bind mount. In a user namespace the flags
// the source already has are locked: they are never cleared, and an atime mode that differs
// from the source's is left alone rather than failing the whole mount.
func bindAttr(source string, opts MountOptions, inUserNS bool) (unix.MountAttr, error) {
	set, atime, hasAtime := msToAttr(opts.Flags)
	clr, _, _ := msToAttr(opts.Cleared)
	if inUserNS {
		var st unix.Statfs_t
		if err := unix.Statfs(source, &st); err != nil {
			return unix.MountAttr{}, os.NewSyscallError("statfs", err)
		}
		locked, lockedAtime := statfsAttr(st.Flags)
		clr &^= locked
		if hasAtime && atime != lockedAtime {
			hasAtime = false
		}
	}
	clr &^= set
	if hasAtime {
		clr |= unix.MOUNT_ATTR__ATIME
		set |= atime
	}
	return unix.MountAttr{Attr_set: set, Attr_clr: clr}, nil
}

func statfsAttr(flags int64) (attr, atime uint64) {
	pairs := []struct {
		st   int64
		attr uint64
	}{
		{unix.ST_RDONLY, unix.MOUNT_ATTR_RDONLY},
		{unix.ST_NOSUID, unix.MOUNT_ATTR_NOSUID},
		{unix.ST_NODEV, unix.MOUNT_ATTR_NODEV},
		{unix.ST_NOEXEC, unix.MOUNT_ATTR_NOEXEC},
		{unix.ST_NODIRATIME, unix.MOUNT_ATTR_NODIRATIME},
	}
	for _, p := range pairs {
		if flags&p.st != 0 {
			attr |= p.attr
		}
	}
	switch {
	case flags&unix.ST_NOATIME != 0:
		atime = unix.MOUNT_ATTR_NOATIME
	case flags&unix.ST_RELATIME != 0:
		atime = unix.MOUNT_ATTR_RELATIME
	default:
		atime = unix.MOUNT_ATTR_STRICTATIME
	}
	return attr, atime
}

// finishMount applies what only makes sense once the mount is attached: recursive attributes
// and propagation.
func finishMount(mnt *os.File, opts MountOptions) error {
	if err := setAttr(mnt, &opts.Recursive, true); err != nil {
		return err
	}
	for _, p := range opts.Propagation {
		if err := setPropagation(mnt, p); err != nil {
			return err
		}
	}
	return nil
}

// remount changes an existing mount: filesystem options through fspick, per-mount flags
// through mount_setattr. Like mount(2) with MS_REMOUNT, the per-mount flags become exactly the
// ones given.
func remount(r *root, dest string, opts MountOptions) error {
	target, err := r.open(dest)
	if err != nil {
		return fmt.Errorf("open: %w", err)
	}
	defer target.Close()
	if err := reconfigure(target, opts); err != nil {
		return err
	}
	set, atime, hasAtime := msToAttr(opts.Flags)
	all, _, _ := msToAttr(^uintptr(0))
	attr := unix.MountAttr{Attr_set: set, Attr_clr: all &^ set}
	if hasAtime {
		attr.Attr_clr |= unix.MOUNT_ATTR__ATIME
		attr.Attr_set |= atime
	}
	if err := setAttr(target, &attr, false); err != nil {
		return fmt.Errorf("remount: %w", err)
	}
	return finishMount(target, opts)
}

func reconfigure(target *os.File, opts MountOptions) error {
	sbFlags := false
	for _, sb := range sbFlagNames {
		sbFlags = sbFlags || opts.Flags&sb.ms != 0
	}
	if opts.Data == "" && !sbFlags {
		return nil
	}
	fd, err := unix.Fspick(int(target.Fd()), "", unix.FSPICK_EMPTY_PATH|unix.FSPICK_CLOEXEC)
	if err != nil {
		return fmt.Errorf("remount: %w", os.NewSyscallError("fspick", err))
	}
	defer unix.Close(fd)
	for _, sb := range sbFlagNames {
		key := sb.name
		if opts.Flags&sb.ms == 0 {
			key = map[string]string{"ro": "rw", "sync": "async", "mand": "nomand", "lazytime": "nolazytime"}[key]
		}
		if key != "" {
			if err := unix.FsconfigSetFlag(fd, key); err != nil {
				return fmt.Errorf("remount: %w", os.NewSyscallError("fsconfig "+key, err))
			}
		}
	}
	if err := configureData(fd, opts.Data); err != nil {
		return fmt.Errorf("remount: %w", err)
	}
	if err := unix.FsconfigReconfigure(fd); err != nil {
		return fmt.Errorf("remount: %w", os.NewSyscallError("fsconfig reconfigure", err))
	}
	return nil
}

// procAllowed are the only files under /proc a mount may cover: the ones lxcfs emulates to give
// containers their own view of resource usage.
var procAllowed = []string{
	"/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps",
	"/proc/uptime", "/proc/loadavg", "/proc/slabinfo", "/proc/net/dev", "/proc/sys/kernel/ns_last_pid",
}

// checkProcDest refuses mounts that would shadow parts of /proc (a bind over
// /proc/sys/kernel/core_pattern or /proc/self/attr lets a container escape or drop its LSM
// label).
func checkProcDest(where string, m specs.Mount, bind bool) error {
	switch {
	case where == "/proc":
		if m.Type == "proc" || (bind && isProcFS(m.Source)) {
			return nil
		}
		return errors.New(`"/proc" can only be a proc mount`)
	case strings.HasPrefix(where, "/proc/") && !slices.Contains(procAllowed, where):
		return fmt.Errorf("%q is inside /proc, where only %s may be mounted",
			where, strings.Join(procAllowed, ", "))
	}
	return nil
}

func isProcFS(p string) bool {
	var st unix.Statfs_t
	return unix.Statfs(p, &st) == nil && st.Type == unix.PROC_SUPER_MAGIC
}
