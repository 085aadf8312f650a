// Package testutil holds what the tests of several packages need: skipping without root, and
// re-executing the test binary as a child that does one thing (load a seccomp filter, take a
// terminal, lay a trap in a mount namespace) in a process of its own.
package testutil

import (
	"os"
	"runtime"
	"testing"
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
