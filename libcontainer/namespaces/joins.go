package namespaces

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/berth-runtime/berth/spec"
)

// OpenJoins opens each joined namespace path (O_RDONLY|O_CLOEXEC), checks with NS_GET_NSTYPE
// that it is a namespace of the expected type, and returns the files plus the environment for
// nsenter, given that files[i] will be fd firstFd+i in the child and the sync socket fd syncFd.
// The environment includes EnvSyncFd. On the fast path it returns nothing. Caller closes the
// files.
//
// Joining the user namespace berth itself is in is left out: there is nothing to join, and
// setns into one's own user namespace fails with EINVAL.
func (p *Plan) OpenJoins(firstFd int, syncFd int) (files []*os.File, env []string, err error) {
	if !p.NeedsNsenter() {
		return nil, nil, nil
	}
	var pairs []string
	for _, e := range p.entries {
		if e.path == "" {
			continue
		}
		f, err := openNamespace(e)
		if err != nil {
			closeAll(files)
			return nil, nil, err
		}
		if e.kind.Type == specs.UserNamespace && isOwnUserNS(int(f.Fd())) {
			f.Close()
			continue
		}
		if e.kind.Type != specs.UserNamespace && p.New(specs.UserNamespace) && ownedByOurUserNS(f) {
			f.Close()
			closeAll(files)
			// init starts inside the new user namespace and holds no capability over ours.
			return nil, nil, fmt.Errorf("%s %q: owned by the host's user namespace, which cannot be joined from a new user namespace (not supported)", e.field(), e.path)
		}
		pairs = append(pairs, e.kind.Proc+":"+strconv.Itoa(firstFd+len(files)))
		files = append(files, f)
	}
	return files, p.nsenterEnv(pairs, syncFd), nil
}

// nsenterEnv is the environment contract of package nsenter.
func (p *Plan) nsenterEnv(pairs []string, syncFd int) []string {
	env := []string{EnvNsenter + "=1", EnvSyncFd + "=" + strconv.Itoa(syncFd)}
	if len(pairs) > 0 {
		env = append(env, EnvNsFds+"="+strings.Join(pairs, ","))
	}
	if flags := p.newFlags(false); flags != 0 {
		env = append(env, EnvUnshare+"="+strconv.FormatUint(uint64(flags), 16))
	}
	if p.offsets != "" {
		env = append(env, EnvTimeOffsets+"="+p.offsets)
	}
	if p.Forks() {
		env = append(env, EnvFork+"=1")
	}
	return env
}

// openNamespace opens a joined namespace and makes sure it is one, of the right type: a wrong
// path would otherwise surface as a bare EINVAL from setns inside nsenter.
func openNamespace(e entry) (*os.File, error) {
	f, err := os.OpenFile(e.path, os.O_RDONLY|syscall.O_CLOEXEC, 0)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s %q: open: %w", e.field(), e.path, err)
	}
	t, err := unix.IoctlRetInt(int(f.Fd()), unix.NS_GET_NSTYPE)
	switch {
	case errors.Is(err, unix.ENOTTY) || errors.Is(err, unix.EINVAL):
		err = fmt.Errorf("%s %q: not a namespace file", e.field(), e.path)
	case err != nil:
		err = fmt.Errorf("%s %q: NS_GET_NSTYPE: %w", e.field(), e.path, err)
	case uintptr(t) != e.kind.Flag:
		err = fmt.Errorf("%s %q: is a %s namespace, want %s", e.field(), e.path, procName(uintptr(t)), e.kind.Proc)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// isOwnUserNS reports whether fd is the user namespace this process is in.
func isOwnUserNS(fd int) bool {
	var mine, theirs unix.Stat_t
	if unix.Stat("/proc/self/ns/user", &mine) != nil || unix.Fstat(fd, &theirs) != nil {
		return false
	}
	return mine.Dev == theirs.Dev && mine.Ino == theirs.Ino
}

// ownedByOurUserNS reports whether the namespace f belongs to the user namespace this process
// is in. When the kernel will not say (EPERM: the owner is above us), the answer is no.
func ownedByOurUserNS(f *os.File) bool {
	owner, err := unix.IoctlRetInt(int(f.Fd()), unix.NS_GET_USERNS)
	if err != nil {
		return false
	}
	defer unix.Close(owner)
	return isOwnUserNS(owner)
}

func closeAll(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}

// procName names a clone flag as /proc/PID/ns does, for error messages.
func procName(flag uintptr) string {
	if ns, ok := spec.NamespaceOfFlag(flag); ok {
		return ns.Proc
	}
	return "unknown"
}
