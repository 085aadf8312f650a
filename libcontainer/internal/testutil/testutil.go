// Package testutil holds what the tests of several packages need: skipping without root, and
// re-executing the test binary as a child that does one thing (load a seccomp filter, take a
// terminal, lay a trap in a mount namespace) in a process of its own.
package testutil

import (
	"os"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// RequireRoot skips the test unless it runs as root.
func RequireRoot(tb testing.TB) {
	tb.Helper()
	if os.Geteuid() != 0 {
		tb.Skip("needs root")
	}
}

// ReexecMain is a TestMain: when the environment variable env is set, the test binary is a
// child started by the package's tests (see Child), and child(value) runs on the main thread,
// locked to it, instead of the tests; its result is the exit status. Otherwise the tests run.
func ReexecMain(m *testing.M, env string, child func(value string) int) {
	if v := os.Getenv(env); v != "" {
		runtime.LockOSThread()
		os.Exit(child(v))
	}
	os.Exit(m.Run())
}

// SocketPair returns two connected unix stream sockets, closed when the test ends: the shape of
// the host-init sync socket and of a console socket's connection.
func SocketPair(tb testing.TB) (a, b *os.File) {
	tb.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		tb.Fatal(err)
	}
	a, b = os.NewFile(uintptr(fds[0]), "a"), os.NewFile(uintptr(fds[1]), "b")
	tb.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}

// SameFile says whether f and g are the same file (device and inode).
func SameFile(tb testing.TB, f, g *os.File) bool {
	tb.Helper()
	var sf, sg unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &sf); err != nil {
		tb.Fatal(err)
	}
	if err := unix.Fstat(int(g.Fd()), &sg); err != nil {
		tb.Fatal(err)
	}
	return sf.Dev == sg.Dev && sf.Ino == sg.Ino
}
