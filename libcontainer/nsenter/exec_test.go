//go:build linux && cgo

package nsenter

import (
	"bytes"
	"encoding/binary"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/berth-runtime/berth/libcontainer/fdpass"
	"github.com/berth-runtime/berth/libcontainer/internal/testutil"
	"github.com/berth-runtime/berth/libcontainer/protocol"
)

// execPlanRun runs the test binary with the constructor told to exec plan (exec.c), on the host:
// no namespace is joined. It returns the frames the host got, the exit code and the output.
func execPlanRun(t *testing.T, plan []byte) (frames []map[string]any, code int, stdout string) {
	return execPlanRunWith(t, plan, nil)
}

// execPlanRunWith is execPlanRun with a console socket end (fd 5) when console is not nil.
func execPlanRunWith(t *testing.T, plan []byte, console *os.File) (frames []map[string]any, code int, stdout string) {
	t.Helper()
	host, child := testutil.SocketPair(t)
	planFile := sealed(t, plan)
	defer planFile.Close()
	var out, errOut bytes.Buffer
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperChild$")
	cmd.Env = []string{helperEnv + "=1", "_BERTH_NSENTER=1", "_BERTH_SYNC_FD=3", "_BERTH_EXEC_PLAN_FD=4"}
	cmd.ExtraFiles = []*os.File{child, planFile}
	if console != nil {
		cmd.Env = append(cmd.Env, "_BERTH_CONSOLE_FD=5")
		cmd.ExtraFiles = append(cmd.ExtraFiles, console)
	}
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	child.Close()
	frames = readFrames(t, host)
	cmd.Wait()
	if errOut.Len() > 0 {
		t.Logf("stderr: %s", errOut.String())
	}
	return frames, cmd.ProcessState.ExitCode(), out.String()
}

// sealed puts plan in a memfd as the host does (protocol.ExecPlan.File), or as given when it
// is deliberately broken.
func sealed(t *testing.T, plan []byte) *os.File {
	t.Helper()
	fd, err := unix.MemfdCreate("plan", unix.MFD_CLOEXEC)
	if err != nil {
		t.Fatal(err)
	}
	f := os.NewFile(uintptr(fd), "plan")
	if _, err := f.Write(plan); err != nil {
		t.Fatal(err)
	}
	return f
}

// basePlan runs args as root with the capabilities the test itself has (root here may lack
// some: asking for more fails capset).
func basePlan(args ...string) protocol.ExecPlan {
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		panic(err)
	}
	own := uint64(data[0].Permitted) | uint64(data[1].Permitted)<<32
	return protocol.ExecPlan{
		Caps:    protocol.CapMasks{Bounding: own, Effective: own, Permitted: own},
		LastCap: 40,
		Cwd:     "/",
		Args:    args,
		Env:     []string{"PATH=/usr/bin:/bin"},
	}
}

// TestExecPlanRuns: the process gets what the plan says, set up by C alone.
func TestExecPlanRuns(t *testing.T) {
	testutil.RequireRoot(t)
	umask := uint32(0o027)
	p := basePlan("sh", "-c", `echo "uid=$(id -u) gid=$(id -g) groups=$(id -G) home=$HOME cwd=$(pwd) umask=$(umask)"
		ulimit -Sn; ulimit -Hn; grep -E '^(CapEff|CapBnd|NoNewPrivs|Seccomp):' /proc/self/status
		readlink /proc/self/fd/4 || echo no-fd-4; readlink /proc/self/fd/3 || echo no-fd-3`)
	p.UID, p.GID, p.Groups = 0, 0, []uint32{0, 7}
	p.Cwd = "/tmp"
	p.Flags = protocol.ExecPlanNoNewPrivs | protocol.ExecPlanUmask
	p.Umask = umask
	p.Rlimits = []protocol.Rlimit{{Resource: unix.RLIMIT_NOFILE, Soft: 777, Hard: 888}}
	chown := uint64(1) << unix.CAP_CHOWN
	p.Caps = protocol.CapMasks{Bounding: chown | 1<<unix.CAP_SETPCAP, Effective: chown, Permitted: chown}
	// A filter that allows everything: loaded, it shows in /proc/self/status.
	p.Seccomp = []unix.SockFilter{{Code: unix.BPF_RET | unix.BPF_K, K: unix.SECCOMP_RET_ALLOW}}
	frames, code, out := execPlanRun(t, p.Encode())
	if code != 0 || len(frames) != 0 {
		t.Fatalf("exit %d, frames %v, output %q", code, frames, out)
	}
	home := "/root"
	for _, want := range []string{
		"uid=0 gid=0 groups=0 7 home=" + home + " cwd=/tmp umask=0027\n777\n888\n",
		"CapEff:\t0000000000000001\n", "CapBnd:\t0000000000000101\n",
		"NoNewPrivs:\t1\n", "Seccomp:\t2\n", "no-fd-4\n", "no-fd-3\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestExecPlanPreservesFds: fds 3 .. 3+n-1 reach the program, nothing above them.
func TestExecPlanPreservesFds(t *testing.T) {
	testutil.RequireRoot(t)
	p := basePlan("sh", "-c", "readlink /proc/self/fd/3; readlink /proc/self/fd/4 || echo no-fd-4")
	p.PreserveFds = 1
	frames, code, out := execPlanRun(t, p.Encode())
	if code != 0 || !strings.Contains(out, "socket:[") || !strings.Contains(out, "no-fd-4") {
		t.Errorf("exit %d, frames %v, output %q; want fd 3 (the sync socket here) and no fd 4", code, frames, out)
	}
}

// TestExecPlanTerminal: the process runs on a new pty, its controlling terminal, whose master
// reaches the console socket; ONLCR off and the size from the plan, as init does.
func TestExecPlanTerminal(t *testing.T) {
	testutil.RequireRoot(t)
	p := basePlan("sh", "-c", `tty; stty size; stty -a | grep -o -- "-onlcr"; echo done`)
	p.Flags = protocol.ExecPlanTerminal
	p.ConsoleHeight, p.ConsoleWidth = 33, 111
	host, child := testutil.SocketPair(t)
	got := make(chan string, 1)
	go func() {
		master, err := fdpass.Recv(host)
		if err != nil {
			got <- "recv: " + err.Error()
			return
		}
		defer master.Close()
		var out bytes.Buffer
		io.Copy(&out, master) // ends with EIO once the slave's last holder exits
		got <- master.Name() + "\n" + out.String()
	}()
	frames, code, _ := execPlanRunWith(t, p.Encode(), child)
	child.Close()
	if code != 0 || len(frames) != 0 {
		t.Fatalf("exit %d, frames %v", code, frames)
	}
	out := <-got
	for _, want := range []string{"/dev/ptmx\n", "/dev/pts/", "33 111\n", "-onlcr\n", "done\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("terminal output lacks %q:\n%q", want, out)
		}
	}
	if strings.Contains(out, "\r") {
		t.Errorf("terminal output has \\r (ONLCR on): %q", out)
	}
}

func TestBadExecPlanGivesErrorFrame(t *testing.T) {
	testutil.RequireRoot(t)
	good := basePlan("true")
	encoded := good.Encode()
	with := func(change func(p *protocol.ExecPlan)) []byte {
		p := basePlan("true")
		change(&p)
		return p.Encode()
	}
	badMagic := append([]byte{}, encoded...)
	binary.NativeEndian.PutUint32(badMagic, 0x12345678)
	tests := []struct {
		name string
		plan []byte
		want string
	}{
		{"empty", nil, "nsenter: exec plan: 0 bytes"},
		{"bad magic", badMagic, "nsenter: exec plan: not a plan (bad magic)"},
		{"truncated ids", encoded[:14], "nsenter: exec plan: truncated at uid"},
		{"truncated strings", encoded[:len(encoded)-3], "nsenter: exec plan: truncated at env"},
		{"trailing bytes", append(append([]byte{}, encoded...), 0), "nsenter: exec plan: 1 bytes after the end"},
		{"no args", with(func(p *protocol.ExecPlan) { p.Args = nil }), "process.args: empty"},
		{"not found", with(func(p *protocol.ExecPlan) { p.Args = []string{"no-such-program"} }),
			`process.args[0] "no-such-program": executable file not found in $PATH`},
		{"missing path", with(func(p *protocol.ExecPlan) { p.Args = []string{"/no/such"} }),
			`process.args[0] "/no/such": no such file or directory`},
		{"directory", with(func(p *protocol.ExecPlan) { p.Args = []string{"/tmp"} }),
			`process.args[0] "/tmp": is a directory`},
		{"cwd", with(func(p *protocol.ExecPlan) { p.Cwd = "/no/such/dir" }),
			`process.cwd "/no/such/dir": no such file or directory`},
		{"rlimit", with(func(p *protocol.ExecPlan) {
			p.Rlimits = []protocol.Rlimit{{Resource: unix.RLIMIT_NOFILE, Soft: 10, Hard: 5}}
		}), "process.rlimits[0] (resource 7) soft 10 hard 5: invalid argument"},
		{"last cap", with(func(p *protocol.ExecPlan) { p.LastCap = 64 }),
			"nsenter: exec plan: last capability 64 is beyond 63"},
		{"bad filter", with(func(p *protocol.ExecPlan) { p.Seccomp = []unix.SockFilter{{Code: 0xffff}} }),
			"seccomp: load filter (flags 0): seccomp: invalid argument"},
		{"terminal without console", with(func(p *protocol.ExecPlan) { p.Flags |= protocol.ExecPlanTerminal }),
			"process.terminal: no console socket to send the terminal to"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			frames, code, out := execPlanRun(t, tt.plan)
			if code != 1 || len(frames) != 1 || frames[0]["type"] != "error" {
				t.Fatalf("want exit 1 and one error frame; got exit %d, frames %v, output %q", code, frames, out)
			}
			if msg := frames[0]["error"]; msg != tt.want {
				t.Errorf("error = %q, want %q", msg, tt.want)
			}
		})
	}
}
