package rootfs

import (
	"errors"
	"fmt"
	"os"
	"path"
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// device is one node to create under /dev, from linux.devices or the default set.
type device struct {
	field string // for errors: `linux.devices[0] path "/dev/fuse"` or `default device "/dev/null"`
	path  string
	typ   uint32 // S_IFCHR, S_IFBLK or S_IFIFO
	major int64
	minor int64
	perm  uint32
	uid   uint32
	gid   uint32
}

// defaultDevices are the nodes every container gets, read-write for everyone.
var defaultDevices = []struct {
	path         string
	major, minor int64
}{
	{"/dev/null", 1, 3}, {"/dev/zero", 1, 5}, {"/dev/full", 1, 7},
	{"/dev/random", 1, 8}, {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0},
}

// devSymlinks are the links every container's /dev has.
var devSymlinks = [][2]string{
	{"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"},
	{"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
}

// setupDev fills /dev, unless the spec bind-mounts a whole /dev from elsewhere.
func setupDev(r *root, c *Config) error {
	if devIsBound(c.Spec) {
		return nil
	}
	devs, err := devicesOf(c.Spec)
	if err != nil {
		return err
	}
	for _, d := range devs {
		if err := createDevice(r, d, c.InUserNS); err != nil {
			return fmt.Errorf("%s: %w", d.field, err)
		}
	}
	return devLinks(r, hasDevpts(c.Spec))
}

func devIsBound(s *specs.Spec) bool {
	for _, m := range s.Mounts {
		opts, _ := ParseOptions(m.Options)
		if cleanDest(m.Destination) == "/dev" && isBind(m, opts) {
			return true
		}
	}
	return false
}

func hasDevpts(s *specs.Spec) bool {
	for _, m := range s.Mounts {
		if m.Type == "devpts" && cleanDest(m.Destination) == "/dev/pts" {
			return true
		}
	}
	return false
}

// devicesOf lists linux.devices followed by the defaults they do not replace.
func devicesOf(s *specs.Spec) ([]device, error) {
	var devs []device
	seen := map[string]bool{}
	if s.Linux != nil {
		for i, d := range s.Linux.Devices {
			dev, err := specDevice(i, d)
			if err != nil {
				return nil, err
			}
			devs = append(devs, dev)
			seen[dev.path] = true
		}
	}
	for _, d := range defaultDevices {
		if !seen[d.path] {
			devs = append(devs, device{field: fmt.Sprintf("default device %q", d.path),
				path: d.path, typ: unix.S_IFCHR, major: d.major, minor: d.minor, perm: 0o666})
		}
	}
	return devs, nil
}

func specDevice(i int, d specs.LinuxDevice) (device, error) {
	dev := device{field: fmt.Sprintf("linux.devices[%d] path %q", i, d.Path),
		path: cleanDest(d.Path), major: d.Major, minor: d.Minor, perm: 0o666}
	switch d.Type {
	case "c", "u":
		dev.typ = unix.S_IFCHR
	case "b":
		dev.typ = unix.S_IFBLK
	case "p":
		dev.typ = unix.S_IFIFO
	default:
		return device{}, fmt.Errorf("%s: type %q: must be c, u, b or p", dev.field, d.Type)
	}
	if d.FileMode != nil {
		dev.perm = uint32(d.FileMode.Perm())
	}
	if d.UID != nil {
		dev.uid = *d.UID
	}
	if d.GID != nil {
		dev.gid = *d.GID
	}
	return dev, nil
}

func createDevice(r *root, d device, inUserNS bool) error {
	dir, err := r.mkdirAll(path.Dir(d.path), 0o755)
	if err != nil {
		return err
	}
	defer dir.Close()
	if inUserNS {
		return bindDevice(dir, d)
	}
	return mknodDevice(dir, d)
}

// mknodDevice creates the node, or accepts an existing identical one, then sets its owner and
// mode on the verified inode (fchownat/fchmodat with AT_EMPTY_PATH), never through a name.
func mknodDevice(dir *os.File, d device) error {
	base := path.Base(d.path)
	rdev := unix.Mkdev(uint32(d.major), uint32(d.minor))
	err := unix.Mknodat(int(dir.Fd()), base, d.typ|d.perm, int(rdev))
	if err != nil && !errors.Is(err, unix.EEXIST) {
		return os.NewSyscallError("mknod", err)
	}
	node, err := openPath(int(dir.Fd()), base)
	if err != nil {
		return err
	}
	defer node.Close()
	st, err := fstat(node)
	if err != nil {
		return err
	}
	if st.Mode&unix.S_IFMT != d.typ || (d.typ != unix.S_IFIFO && st.Rdev != rdev) {
		return fmt.Errorf("mknod: %w (something else is already there)", unix.EEXIST)
	}
	if err := unix.Fchownat(int(node.Fd()), "", int(d.uid), int(d.gid), unix.AT_EMPTY_PATH); err != nil {
		return os.NewSyscallError("chown", err)
	}
	return chmodFd(node, d.perm)
}

// chmodFd sets the mode of the inode behind an O_PATH fd. fchmodat2 with AT_EMPTY_PATH does it
// on Linux 6.6 and later; older kernels (Debian 12's 6.1) get the same through the fd's magic
// link, which resolves to that very inode, never to a name an attacker could swap.
func chmodFd(f *os.File, mode uint32) error {
	err := unix.Fchmodat(int(f.Fd()), "", mode, unix.AT_EMPTY_PATH)
	if errors.Is(err, unix.EOPNOTSUPP) || errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EINVAL) {
		err = unix.Chmod("/proc/thread-self/fd/"+strconv.Itoa(int(f.Fd())), mode)
	}
	if err != nil {
		return os.NewSyscallError("chmod", err)
	}
	return nil
}

// bindDevice is for user namespaces, where mknod is not allowed: the host's node is
// bind-mounted onto an empty file.
func bindDevice(dir *os.File, d device) error {
	base := path.Base(d.path)
	fd, err := unix.Openat(int(dir.Fd()), base,
		unix.O_RDONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	var target *os.File
	switch {
	case err == nil:
		target = os.NewFile(uintptr(fd), base)
	case errors.Is(err, unix.EEXIST):
		if target, err = openPath(int(dir.Fd()), base); err != nil {
			return err
		}
		if err := checkBindTarget(target); err != nil {
			target.Close()
			return err
		}
	default:
		return os.NewSyscallError("create", err)
	}
	defer target.Close()
	mnt, err := cloneTree(unix.AT_FDCWD, d.path, false)
	if err != nil {
		return fmt.Errorf("bind from host: %w", err)
	}
	defer mnt.Close()
	return attach(mnt, target)
}

// checkBindTarget accepts an existing file or device node to mount over, never a symlink
// (opened with O_NOFOLLOW, a symlink stays one) or a directory.
func checkBindTarget(f *os.File) error {
	st, err := fstat(f)
	if err != nil {
		return err
	}
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG, unix.S_IFCHR, unix.S_IFBLK:
		return nil
	}
	return fmt.Errorf("existing entry is not a regular file or device (mode %#o)", st.Mode)
}

// devLinks creates /dev/fd, /dev/std{in,out,err}, /dev/ptmx (when devpts is mounted) and /dev/shm.
func devLinks(r *root, devpts bool) error {
	dev, err := r.mkdirAll("/dev", 0o755)
	if err != nil {
		return fmt.Errorf("/dev: %w", err)
	}
	defer dev.Close()
	for _, l := range devSymlinks {
		err := unix.Symlinkat(l[0], int(dev.Fd()), l[1])
		if err != nil && !errors.Is(err, unix.EEXIST) {
			return fmt.Errorf("/dev/%s: %w", l[1], os.NewSyscallError("symlink", err))
		}
	}
	if devpts {
		// The image's /dev/ptmx (if any) would open the host's pty instance.
		err := unix.Unlinkat(int(dev.Fd()), "ptmx", 0)
		if err != nil && !errors.Is(err, unix.ENOENT) {
			return fmt.Errorf("/dev/ptmx: %w", os.NewSyscallError("unlink", err))
		}
		if err := unix.Symlinkat("pts/ptmx", int(dev.Fd()), "ptmx"); err != nil {
			return fmt.Errorf("/dev/ptmx: %w", os.NewSyscallError("symlink", err))
		}
	}
	shm, err := r.mkdirAll("/dev/shm", os.ModeSticky|0o777)
	if err != nil {
		return fmt.Errorf("/dev/shm: %w", err)
	}
	return shm.Close()
}
