package seccomp

import (
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/berth-runtime/berth/libcontainer/internal/testutil"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"
)

// The Load tests re-execute the test binary: a seccomp filter cannot be removed, so it must be
// loaded in a process of its own. The child's mode and arguments travel in the environment.
const childEnv = "BERTH_SECCOMP_TEST_CHILD"

func TestMain(m *testing.M) {
	testutil.ReexecMain(m, childEnv, func(mode string) int {
		if err := runChild(mode); err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			return 1
		}
		return 0
	})
}

var mkdirNames = []string{"mkdir", "mkdirat"}

func runChild(mode string) error {
	dir := os.Getenv("BERTH_SECCOMP_TEST_DIR")
	runtime.LockOSThread()
	switch mode {
	case "errno-nnp", "errno-cap":
		f, err := Build(allowWith(specs.LinuxSyscall{Names: mkdirNames, Action: specs.ActErrno, ErrnoRet: uintp(uint(unix.ENOSYS))}))
		if err != nil {
			return err
		}
		if mode == "errno-nnp" {
			if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
				return err
			}
		}
		if _, err := f.Load(); err != nil {
			return err
		}
		return expectMkdir(filepath.Join(dir, "denied"), unix.ENOSYS)
	case "notify":
		return notifyChild(dir)
	}
	return fmt.Errorf("unknown mode %q", mode)
}

// notifyChild loads a NOTIFY filter on mkdir, sends the fd to the test's listener, then makes
// two mkdir calls: the listener fails the first with EXDEV and lets the second continue.
func notifyChild(dir string) error {
	s := allowWith(specs.LinuxSyscall{Names: mkdirNames, Action: specs.ActNotify})
	s.ListenerPath = filepath.Join(dir, "agent.sock")
	s.ListenerMetadata = "hello agent"
	f, err := Build(s)
	if err != nil {
		return err
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return err
	}
	fd, err := f.Load()
	if err != nil {
		return err
	}
	st := &specs.State{Version: specs.Version, ID: "c1", Status: specs.StateCreating, Pid: os.Getpid(), Bundle: dir}
	if err := SendNotifyFd(s.ListenerPath, fd, st, s.ListenerMetadata); err != nil {
		return err
	}
	fd.Close()
	if err := expectMkdir(filepath.Join(dir, "first"), unix.EXDEV); err != nil {
		return err
	}
	return expectMkdir(filepath.Join(dir, "second"), 0)
}

func expectMkdir(path string, want unix.Errno) error {
	err := unix.Mkdir(path, 0o755)
	if want == 0 && err == nil || errors.Is(err, want) {
		return nil
	}
	return fmt.Errorf("mkdir %s: got %v, want %v", path, err, want)
}

func startChild(t *testing.T, mode, dir string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+mode, "BERTH_SECCOMP_TEST_DIR="+dir)
	cmd.Stderr = &testWriter{t}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd
}

type testWriter struct{ t *testing.T }

func (w *testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

func TestLoadErrno(t *testing.T) {
	tests := []struct {
		mode string
		root bool
	}{
		{"errno-nnp", false}, // no_new_privs first: works for anyone
		{"errno-cap", true},  // no NNP: needs CAP_SYS_ADMIN
	}
	for _, tt := range tests {
		t.Run(tt.mode, func(t *testing.T) {
			if tt.root && os.Geteuid() != 0 {
				t.Skip("needs root (CAP_SYS_ADMIN)")
			}
			dir := t.TempDir()
			if err := startChild(t, tt.mode, dir).Wait(); err != nil {
				t.Fatalf("child: %v", err)
			}
			if _, err := os.Stat(filepath.Join(dir, "denied")); err == nil {
				t.Error("the filtered mkdir created its directory")
			}
			// The filter must not leak into this process.
			if err := os.Mkdir(filepath.Join(dir, "parent"), 0o755); err != nil {
				t.Errorf("mkdir in the parent: %v", err)
			}
		})
	}
}

func TestLoadNotify(t *testing.T) {
	dir := t.TempDir()
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: filepath.Join(dir, "agent.sock"), Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	child := startChild(t, "notify", dir)
	done := make(chan error, 1)
	go func() { done <- child.Wait() }()

	ln.SetDeadline(time.Now().Add(10 * time.Second))
	state, notifyFd := receiveState(t, ln)
	defer notifyFd.Close()
	if state.Pid != child.Process.Pid || state.State.Pid != child.Process.Pid {
		t.Errorf("pid %d / state.pid %d, want %d", state.Pid, state.State.Pid, child.Process.Pid)
	}
	if len(state.Fds) != 1 || state.Fds[0] != specs.SeccompFdName || state.Metadata != "hello agent" ||
		state.Version != specs.Version || state.State.ID != "c1" || state.State.Status != specs.StateCreating {
		t.Errorf("unexpected state %+v", state)
	}
	answer(t, notifyFd, int32(unix.EXDEV), 0) // libseccomp negates it
	answer(t, notifyFd, 0, libseccomp.NotifRespFlagContinue)

	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("child: %v", err)
		}
	case <-time.After(10 * time.Second):
		child.Process.Kill()
		t.Fatal("child did not finish")
	}
	if _, err := os.Stat(filepath.Join(dir, "second")); err != nil {
		t.Errorf("the continued mkdir did not happen: %v", err)
	}
}

// receiveState accepts one connection and reads the container process state and its fd.
func receiveState(t *testing.T, ln *net.UnixListener) (specs.ContainerProcessState, *os.File) {
	t.Helper()
	conn, err := ln.AcceptUnix()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	buf, oob := make([]byte, 64<<10), make([]byte, unix.CmsgSpace(4))
	n, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
	if err != nil {
		t.Fatal(err)
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		t.Fatalf("control messages: %v (%d)", err, len(msgs))
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		t.Fatalf("rights: %v (%d fds)", err, len(fds))
	}
	var st specs.ContainerProcessState
	if err := json.Unmarshal(buf[:n], &st); err != nil {
		t.Fatalf("state %q: %v", buf[:n], err)
	}
	return st, os.NewFile(uintptr(fds[0]), "seccomp-notify")
}

// answer receives one notification, checks it is for mkdir and responds.
func answer(t *testing.T, fd *os.File, errno int32, flags uint32) {
	t.Helper()
	var req *libseccomp.ScmpNotifReq
	var err error = unix.ENOENT
	for errors.Is(err, unix.ENOENT) {
		// ENOENT: the child's syscall was interrupted (Go preempts with SIGURG) and is retried.
		waitReadable(t, fd)
		req, err = libseccomp.NotifReceive(libseccomp.ScmpFd(fd.Fd()))
	}
	if err != nil {
		t.Fatalf("receive: %v", err)
	}
	name, _ := req.Data.Syscall.GetNameByArch(req.Data.Arch)
	if name != "mkdir" && name != "mkdirat" {
		t.Errorf("notified for %q, want mkdir", name)
	}
	resp := &libseccomp.ScmpNotifResp{ID: req.ID, Error: errno, Flags: flags}
	if err := libseccomp.NotifRespond(libseccomp.ScmpFd(fd.Fd()), resp); err != nil {
		t.Fatalf("respond: %v", err)
	}
}

// waitReadable fails the test if no notification arrives within 10s or all filtered processes
// are gone (a blocking receive would hang the test).
func waitReadable(t *testing.T, fd *os.File) {
	t.Helper()
	pfd := []unix.PollFd{{Fd: int32(fd.Fd()), Events: unix.POLLIN}}
	n, err := unix.Poll(pfd, 10000)
	for errors.Is(err, unix.EINTR) {
		n, err = unix.Poll(pfd, 10000)
	}
	if err != nil || n == 0 || pfd[0].Revents&unix.POLLIN == 0 {
		t.Fatalf("no notification: poll = %d, %v, revents %#x", n, err, pfd[0].Revents)
	}
}
