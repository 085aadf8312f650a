package procfs

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"github.com/berth-runtime/berth/libcontainer/internal/testutil"
	"golang.org/x/sys/unix"
)

// TestWriteThreadSelf writes the thread's name through the safe path and reads it back.
func TestWriteThreadSelf(t *testing.T) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	old := threadName(t)
	defer WriteThreadSelf("comm", old) //nolint:errcheck // best effort
	if err := WriteThreadSelf("comm", "berth-lsm-test"); err != nil {
		t.Fatal(err)
	}
	if got := threadName(t); got != "berth-lsm-test" {
		t.Fatalf("thread name %q after the write", got)
	}
	if err := WriteThreadSelf("no-such-file", "x"); err == nil {
		t.Fatal("writing a missing file succeeded")
	}
}

func TestWriteSelfAndSysctl(t *testing.T) {
	testutil.RequireRoot(t)
	old, err := os.ReadFile("/proc/self/oom_score_adj")
	if err != nil {
		t.Fatal(err)
	}
	defer WriteSelf("oom_score_adj", string(old)) //nolint:errcheck // best effort
	if err := WriteSelf("oom_score_adj", "7"); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile("/proc/self/oom_score_adj"); strings.TrimSpace(string(got)) != "7" {
		t.Fatalf("oom_score_adj %q after the write", got)
	}
	// A sysctl written with the value it has: proves the path works without changing the host.
	cur, err := os.ReadFile("/proc/sys/kernel/domainname")
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteSysctl("kernel/domainname", strings.TrimSpace(string(cur))); err != nil {
		t.Fatal(err)
	}
	if err := WriteSysctl("kernel/no-such-sysctl", "1"); err == nil {
		t.Fatal("writing a missing sysctl succeeded")
	}
}

func threadName(t *testing.T) string {
	t.Helper()
	var buf [16]byte
	if err := unix.Prctl(unix.PR_GET_NAME, uintptr(unsafe.Pointer(&buf[0])), 0, 0, 0); err != nil {
		t.Fatal(err)
	}
	return string(bytes.TrimRight(buf[:], "\x00"))
}

// The regression tests for CVE-2019-16884 / CVE-2025-52881 (LSM attr writes) and for sysctl and
// oom_score_adj writes under a joined mount namespace: a container that mounts something over
// /proc, /proc/sys or the target file must not be able to take init's write. The child runs in
// its own mount namespace, lays the trap, writes through this package and reports what the
// kernel has and what the bait file holds.
const childEnv = "BERTH_PROCFS_TEST_TRAP"

func TestMain(m *testing.M) {
	testutil.ReexecMain(m, childEnv, func(trap string) int {
		os.Stdout.WriteString(runTrap(trap))
		return 0
	})
}

func runTrap(trap string) string {
	dir, err := os.MkdirTemp("", "berth-procfs-trap")
	if err != nil {
		return "setup: " + err.Error()
	}
	defer os.RemoveAll(dir)
	bait, err := layTrap(trap, dir)
	if err != nil {
		return "setup: " + err.Error()
	}
	var werr error
	switch trap {
	case "tmpfs-over-proc-sys":
		werr = WriteSysctl("kernel/domainname", "berth-real")
	case "file-over-oom":
		werr = WriteSelf("oom_score_adj", "3")
	default:
		werr = WriteThreadSelf("comm", "berth-real")
	}
	var buf [16]byte
	unix.Prctl(unix.PR_GET_NAME, uintptr(unsafe.Pointer(&buf[0])), 0, 0, 0) //nolint:errcheck
	got, _ := os.ReadFile(bait)
	return "comm=" + string(bytes.TrimRight(buf[:], "\x00")) + " bait=" + string(got) + " err=" + fmt.Sprint(werr)
}

// layTrap makes the mounts of the attack in this (private) mount namespace and returns the
// file a redirected write would land in.
func layTrap(trap, dir string) (string, error) {
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return "", err
	}
	bait := filepath.Join(dir, "bait")
	if err := os.WriteFile(bait, []byte("bait"), 0o666); err != nil {
		return "", err
	}
	switch trap {
	case "tmpfs-over-proc":
		// A fake /proc whose thread-self/comm is an ordinary file.
		return fakeFile("/proc", "thread-self/comm")
	case "tmpfs-over-proc-sys":
		return fakeFile("/proc/sys", "kernel/domainname")
	case "file-over-attr":
		target := "/proc/self/task/" + strconv.Itoa(unix.Gettid()) + "/comm"
		return bait, unix.Mount(bait, target, "", unix.MS_BIND, "")
	case "file-over-oom":
		return bait, unix.Mount(bait, "/proc/self/oom_score_adj", "", unix.MS_BIND, "")
	}
	return "", os.ErrInvalid
}

// fakeFile mounts a tmpfs over dir and makes dir/rel in it an ordinary file holding "bait".
func fakeFile(dir, rel string) (string, error) {
	if err := unix.Mount("tmpfs", dir, "tmpfs", 0, ""); err != nil {
		return "", err
	}
	bait := filepath.Join(dir, rel)
	if err := os.MkdirAll(filepath.Dir(bait), 0o755); err != nil {
		return "", err
	}
	return bait, os.WriteFile(bait, []byte("bait"), 0o666)
}

func TestWritesIgnoreMountsOverProc(t *testing.T) {
	testutil.RequireRoot(t)
	for _, trap := range []string{"tmpfs-over-proc", "file-over-attr", "tmpfs-over-proc-sys", "file-over-oom"} {
		t.Run(trap, func(t *testing.T) {
			cmd := exec.Command(os.Args[0], "-test.run=^$")
			cmd.Env = append(os.Environ(), childEnv+"="+trap)
			// A UTS namespace too, so that the sysctl trap's real write stays private.
			cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWNS | syscall.CLONE_NEWUTS}
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("%v: %s", err, out)
			}
			// Either the write reached the real procfs, or it failed: never the bait.
			got := string(out)
			if strings.Contains(got, "setup:") || !strings.Contains(got, "bait=bait ") {
				t.Fatalf("the bait was written or the trap failed: %s", got)
			}
			t.Log(got)
		})
	}
}
