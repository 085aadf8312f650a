//go:build linux && cgo

package nsenter

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// The tests re-execute the test binary, which holds the constructor, as the "init": the
// constructor does its work, then TestHelperChild reports what it sees as one JSON line.

const helperEnv = "BERTH_NSENTER_TEST_HELPER"

// ourVars are the variables the constructor must remove; _BERTH_SYNC_FD must stay.
var ourVars = []string{"_BERTH_NSENTER", "_BERTH_NS_FDS", "_BERTH_UNSHARE", "_BERTH_TIMENS_OFFSETS", "_BERTH_FORK", "_BERTH_CGROUP_FDS", "_BERTH_CGROUP_DIR_FD", "_BERTH_CGROUP_SOCK_FD"}

// report is what the helper child sees after the constructor ran.
type report struct {
	Pid, Ppid int
	NS        map[string]string // type -> readlink /proc/self/ns/type
	Monotonic int64             // CLOCK_MONOTONIC seconds
	Dumpable  int
	Env       map[string]string // our variables, _BERTH_SYNC_FD and _BERTH_LOG_FD, as Go sees them
	FdLinks   map[string]string // readlink /proc/self/fd/N for each N in BERTH_TEST_CHECK_FDS
	Cgroup    string            // the cgroup v2 path of /proc/self/cgroup ("0::PATH")
}

func TestHelperChild(t *testing.T) {
	if os.Getenv(helperEnv) != "1" {
		t.Skip("helper process for the other tests")
	}
	r := report{Pid: os.Getpid(), Ppid: os.Getppid(), NS: map[string]string{}, Env: map[string]string{}}
	for _, ns := range []string{"user", "mnt", "pid", "net", "ipc", "uts", "cgroup", "time"} {
		r.NS[ns], _ = os.Readlink("/proc/self/ns/" + ns)
	}
	var ts unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts)
	r.Monotonic = ts.Sec
	d, _ := unix.PrctlRetInt(unix.PR_GET_DUMPABLE, 0, 0, 0, 0)
	r.Dumpable = d
	for _, name := range append(ourVars, "_BERTH_SYNC_FD", "_BERTH_LOG_FD") {
		if v, ok := os.LookupEnv(name); ok {
			r.Env[name] = v
		}
	}
	if data, err := os.ReadFile("/proc/self/cgroup"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if path, ok := strings.CutPrefix(line, "0::"); ok {
				r.Cgroup = path
			}
		}
	}
	r.FdLinks = map[string]string{}
	for _, fd := range strings.Fields(os.Getenv("BERTH_TEST_CHECK_FDS")) {
		// The Go runtime may reuse a closed fd number (epoll), so look at what it is.
		r.FdLinks[fd], _ = os.Readlink("/proc/self/fd/" + fd)
	}
	json.NewEncoder(os.Stdout).Encode(r)
	os.Exit(0)
}

// run is one execution of the helper under the constructor.
type run struct {
	env   []string   // added to the helper's environment
	files []*os.File // become fds 4, 5, ... (fd 3 is the sync socket)
	cred  *syscall.Credential
	attr  *syscall.SysProcAttr // clone flags and id maps; cred goes into it
	path  string               // the binary; os.Args[0] when empty
}

// outcome is what the host side saw.
type outcome struct {
	frames   []map[string]any
	exitCode int              // of the process we started (the intermediate when forked)
	forked   *unix.WaitStatus // of the forked init, reaped like the host would
	report   *report
	stderr   string
}

func (r run) do(t *testing.T) outcome {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	host, child := os.NewFile(uintptr(fds[0]), "host"), os.NewFile(uintptr(fds[1]), "child")
	defer host.Close()
	path := r.path
	if path == "" {
		path = os.Args[0]
	}
	var stdout, stderr bytes.Buffer
	cmd := exec.Command(path, "-test.run=^TestHelperChild$")
	cmd.Env = append([]string{helperEnv + "=1", "_BERTH_SYNC_FD=3"}, r.env...)
	cmd.ExtraFiles = append([]*os.File{child}, r.files...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = r.attr
	if r.cred != nil {
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: r.cred}
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	child.Close()
	var o outcome
	o.frames = readFrames(t, host) // until EOF: every holder of the child's end is gone
	waitErr := cmd.Wait()
	o.exitCode = cmd.ProcessState.ExitCode()
	if waitErr != nil && o.exitCode < 0 {
		t.Fatalf("helper: %v", waitErr)
	}
	if len(o.frames) > 0 && o.frames[0]["type"] == "pid" {
		var ws unix.WaitStatus
		pid := int(o.frames[0]["pid"].(float64))
		if _, err := unix.Wait4(pid, &ws, 0, nil); err != nil {
			t.Fatalf("reap forked init %d: %v", pid, err)
		}
		o.forked = &ws
	}
	o.stderr = stderr.String()
	for _, line := range strings.Split(stdout.String(), "\n") {
		if strings.HasPrefix(line, "{") {
			o.report = &report{}
			if err := json.Unmarshal([]byte(line), o.report); err != nil {
				t.Fatalf("helper report %q: %v", line, err)
			}
		}
	}
	return o
}

// readFrames reads length-prefixed JSON frames until EOF, failing on anything malformed.
func readFrames(t *testing.T, r io.Reader) []map[string]any {
	t.Helper()
	var frames []map[string]any
	for {
		var hdr [4]byte
		if _, err := io.ReadFull(r, hdr[:]); errors.Is(err, io.EOF) {
			return frames
		} else if err != nil {
			t.Fatalf("frame header: %v", err)
		}
		body := make([]byte, binary.LittleEndian.Uint32(hdr[:]))
		if _, err := io.ReadFull(r, body); err != nil {
			t.Fatalf("frame body: %v", err)
		}
		var m map[string]any
		if err := json.Unmarshal(body, &m); err != nil {
			t.Fatalf("frame %q is not JSON: %v", body, err)
		}
		frames = append(frames, m)
	}
}

// mustSucceed checks that the helper ran to the end under the constructor.
func (o outcome) mustSucceed(t *testing.T) *report {
	t.Helper()
	if o.exitCode != 0 || o.report == nil {
		t.Fatalf("helper failed: exit %d, frames %v, stderr %q", o.exitCode, o.frames, o.stderr)
	}
	if o.forked != nil && o.forked.ExitStatus() != 0 {
		t.Fatalf("forked init exited %v; stderr %q", *o.forked, o.stderr)
	}
	return o.report
}

// errorFrame returns the error sentence of the only frame, failing if that is not what came.
func (o outcome) errorFrame(t *testing.T) string {
	t.Helper()
	if o.exitCode != 1 || len(o.frames) != 1 || o.frames[0]["type"] != "error" {
		t.Fatalf("want exit 1 and one error frame; got exit %d, frames %v, stderr %q", o.exitCode, o.frames, o.stderr)
	}
	if o.report != nil {
		t.Fatalf("the helper ran despite the error: %+v", o.report)
	}
	msg, _ := o.frames[0]["error"].(string)
	return msg
}

// nsLink is what readlink /proc/self/ns/X shows for an open namespace file.
func nsLink(t *testing.T, f *os.File) string {
	t.Helper()
	link, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", f.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	return link
}

// newNetNS makes a network namespace on a throw-away thread and returns it open.
func newNetNS(t testing.TB) *os.File {
	t.Helper()
	type result struct {
		f   *os.File
		err error
	}
	ch := make(chan result)
	go func() {
		// The thread stays locked and dies with this goroutine: it is in the wrong netns now.
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNET); err != nil {
			ch <- result{err: err}
			return
		}
		f, err := os.Open("/proc/thread-self/ns/net")
		ch <- result{f, err}
	}()
	r := <-ch
	if r.err != nil {
		t.Fatal(r.err)
	}
	t.Cleanup(func() { r.f.Close() })
	return r.f
}

// holder is a sleeping process whose namespaces the tests join.
type holder struct{ pid int }

func newHolder(t *testing.T, attr *syscall.SysProcAttr) holder {
	t.Helper()
	cmd := exec.Command("sleep", "1000")
	cmd.SysProcAttr = attr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	return holder{cmd.Process.Pid}
}

func (h holder) open(t *testing.T, ns string) *os.File {
	t.Helper()
	f, err := os.Open(fmt.Sprintf("/proc/%d/ns/%s", h.pid, ns))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func (h holder) path(ns string) string { return fmt.Sprintf("/proc/%d/ns/%s", h.pid, ns) }

// newUnprivilegedHolder starts a process as uid in a user and net namespace that uid itself
// made, so uid owns the user namespace (clone with Credential would make root the owner).
func newUnprivilegedHolder(t *testing.T, uid uint32) holder {
	t.Helper()
	cmd := exec.Command("unshare", "--user", "--map-root-user", "--net", "sleep", "1000")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: uid, Gid: uid}}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	h := holder{cmd.Process.Pid}
	mine, _ := os.Readlink("/proc/self/ns/user")
	for i := 0; i < 500; i++ { // until unshare(1) has unshared and exec'd sleep
		theirs, _ := os.Readlink(h.path("user"))
		comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", h.pid))
		if theirs != "" && theirs != mine && string(comm) == "sleep\n" {
			return h
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("unshare(1) did not make its namespaces")
	return h
}
