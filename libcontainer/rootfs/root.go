package rootfs

import (
	"errors"
	"fmt"
	"os"
	"path"
	"strings"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"github.com/cyphar/filepath-securejoin/pathrs-lite/procfs"
	"golang.org/x/sys/unix"
)

// root is the container's rootfs held as a directory fd. Every path below it comes from the
// bundle or the image and is resolved inside it (symlinks cannot escape), never as a string.
type root struct {
	dir  *os.File
	path string // the host path dir was opened from, to turn resolved paths back into container paths
}

func openRoot(hostPath string) (*root, error) {
	fd, err := unix.Open(hostPath, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open rootfs", Path: hostPath, Err: err}
	}
	return &root{dir: os.NewFile(uintptr(fd), hostPath), path: hostPath}, nil
}

func (r *root) Close() error { return r.dir.Close() }

// cleanDest makes a spec destination absolute and lexically clean.
func cleanDest(dest string) string { return path.Clean("/" + dest) }

// open resolves p inside the rootfs (an O_PATH handle); a missing path is an error wrapping
// fs.ErrNotExist.
func (r *root) open(p string) (*os.File, error) {
	p = cleanDest(p)
	if f, done, err := r.openat2(p, unix.O_PATH); done {
		return f, err
	}
	return pathrs.OpenatInRoot(r.dir, p)
}

// mkdirAll creates the directory p (and its parents) inside the rootfs and returns a handle to it.
// Most targets exist already in an image (/proc, /dev, /sys): those are only opened.
func (r *root) mkdirAll(p string, mode os.FileMode) (*os.File, error) {
	p = cleanDest(p)
	f, done, err := r.openat2(p, unix.O_RDONLY|unix.O_DIRECTORY)
	if done && err == nil {
		return f, nil
	}
	if f, err = pathrs.MkdirAllHandle(r.dir, p, mode); err != nil {
		return nil, fmt.Errorf("mkdir: %w", err)
	}
	return f, nil
}

// scopedRetries bounds the retries of a lookup that a rename or mount elsewhere on the system
// disturbed (openat2 then fails with EAGAIN or EXDEV), as pathrs bounds its own.
const scopedRetries = 128

// openat2 resolves p inside the rootfs with openat2(2) RESOLVE_IN_ROOT, which keeps every step,
// symlinks and ".." included, below the root: the lookup pathrs makes on such a kernel, less its
// last step, reading the handle's real path back through a private procfs only to name the
// file (~25 us a call, paid ~40 times by every create). done is false when the kernel (or a
// seccomp filter around berth) has no openat2: pathrs then resolves the path its own way.
func (r *root) openat2(p string, flags uint64) (f *os.File, done bool, err error) {
	how := &unix.OpenHow{Flags: flags | unix.O_CLOEXEC, Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS}
	for try := 0; ; try++ {
		fd, err := unix.Openat2(int(r.dir.Fd()), p, how)
		switch {
		case err == nil:
			return os.NewFile(uintptr(fd), p), true, nil
		case errors.Is(err, unix.ENOSYS) || errors.Is(err, unix.EPERM):
			return nil, false, nil
		case (errors.Is(err, unix.EAGAIN) || errors.Is(err, unix.EXDEV)) && try < scopedRetries:
			continue
		default:
			return nil, true, &os.PathError{Op: "openat2", Path: p, Err: err}
		}
	}
}

// fileTarget returns a handle to the non-directory p, creating an empty regular file there
// (and its parent directories) if nothing exists. The file is created relative to the verified
// parent fd with O_EXCL|O_NOFOLLOW, so a planted symlink is never followed.
func (r *root) fileTarget(p string) (*os.File, error) {
	p = cleanDest(p)
	for range 2 { // one retry if something appears between the two steps
		f, err := r.open(p)
		if err == nil {
			return f, checkNotDir(f)
		}
		if !errors.Is(err, os.ErrNotExist) {
			return nil, fmt.Errorf("open: %w", err)
		}
		f, err = r.createFile(p)
		if !errors.Is(err, os.ErrExist) {
			return f, err
		}
	}
	return nil, fmt.Errorf("create: %w", os.ErrExist)
}

// consoleTarget opens /dev/console, creating it when missing, without following a symlink in
// its last component: the image decides what /dev/console is, and a symlink there would carry
// the console mount onto whatever file it names, /proc files included (CVE-2025-52565).
func (r *root) consoleTarget() (*os.File, error) {
	dev, err := r.mkdirAll("/dev", 0o755)
	if err != nil {
		return nil, err
	}
	defer dev.Close()
	fd, err := unix.Openat(int(dev.Fd()), "console", unix.O_PATH|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
	if errors.Is(err, unix.ENOENT) {
		fd, err = unix.Openat(int(dev.Fd()), "console", unix.O_RDONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
	}
	if err != nil {
		return nil, &os.PathError{Op: "openat", Path: "/dev/console", Err: err}
	}
	f := os.NewFile(uintptr(fd), "/dev/console")
	st, err := fstat(f)
	if err == nil && st.Mode&unix.S_IFMT == unix.S_IFLNK {
		err = errors.New("is a symlink in the rootfs; refused, a console must not be mounted where a link points")
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

func (r *root) createFile(p string) (*os.File, error) {
	parent, err := r.mkdirAll(path.Dir(p), 0o755)
	if err != nil {
		return nil, err
	}
	defer parent.Close()
	fd, err := unix.Openat(int(parent.Fd()), path.Base(p),
		unix.O_RDONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("create: %w", &os.PathError{Op: "openat", Path: p, Err: err})
	}
	return os.NewFile(uintptr(fd), p), nil
}

func checkNotDir(f *os.File) error {
	st, err := fstat(f)
	if err != nil {
		f.Close()
		return err
	}
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		f.Close()
		return fmt.Errorf("is a directory, but the source is not")
	}
	return nil
}

// containerPath says where f really is, as a path inside the rootfs. It is how checks on the
// destination (no mounts inside /proc) see through symlinks in the image.
func (r *root) containerPath(f *os.File) (string, error) {
	real, err := procfs.ProcSelfFdReadlink(f)
	if err != nil {
		return "", fmt.Errorf("readlink: %w", err)
	}
	if real == r.path {
		return "/", nil
	}
	rel, ok := strings.CutPrefix(real, strings.TrimSuffix(r.path, "/")+"/")
	if !ok {
		return "", fmt.Errorf("resolved to %q, outside the rootfs", real)
	}
	return "/" + rel, nil
}
