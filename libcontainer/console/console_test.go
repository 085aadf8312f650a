package console

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// cttyHelperEnv makes the test binary act as a process that takes a pty slave as its
// controlling terminal (see TestMain).
const cttyHelperEnv = "CONSOLE_TEST_CTTY_SLAVE"

func TestMain(m *testing.M) {
	if path := os.Getenv(cttyHelperEnv); path != "" {
		os.Exit(cttyHelper(path))
	}
	os.Exit(m.Run())
}

// cttyHelper takes the slave at path as its terminal, then reports on the new stdout (the pty)
// what /proc says its stdin is and whether /dev/tty, which only a controlling terminal makes
// openable, opens.
func cttyHelper(path string) int {
	slave, err := os.OpenFile(path, os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return 2
	}
	if _, err := unix.Setsid(); err != nil { // as init does first thing
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	if err := SetControllingTerminal(slave); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 3
	}
	stdin, _ := os.Readlink("/proc/self/fd/0")
	tty, err := os.Open("/dev/tty")
	fmt.Printf("stdin=%s ctty=%v\n", stdin, err == nil)
	if tty != nil {
		tty.Close()
	}
	return 0
}

// newPty opens a pty pair for a test and closes it at the end.
func newPty(t *testing.T) (master, slave *os.File, path string) {
	t.Helper()
	master, slave, path, err := NewPty()
	if err != nil {
		t.Fatalf("NewPty: %v", err)
	}
	t.Cleanup(func() { master.Close(); slave.Close() })
	return master, slave, path
}

// readWithin reads from f until want appears or the deadline passes.
func readWithin(t *testing.T, f *os.File, want string, d time.Duration) string {
	t.Helper()
	got := make(chan string, 1)
	go func() {
		var buf bytes.Buffer
		b := make([]byte, 256)
		for !strings.Contains(buf.String(), want) {
			n, err := f.Read(b)
			buf.Write(b[:n])
			if err != nil {
				break
			}
		}
		got <- buf.String()
	}()
	select {
	case s := <-got:
		return s
	case <-time.After(d):
		t.Fatalf("did not read %q within %v", want, d)
		return ""
	}
}

func TestNewPtyRoundTrip(t *testing.T) {
	master, slave, path := newPty(t)
	if !strings.HasPrefix(path, "/dev/pts/") {
		t.Errorf("slave path = %q", path)
	}
	var stSlave, stPath unix.Stat_t
	if err := unix.Fstat(int(slave.Fd()), &stSlave); err != nil {
		t.Fatal(err)
	}
	if err := unix.Stat(path, &stPath); err != nil {
		t.Fatal(err)
	}
	if stSlave.Rdev != stPath.Rdev {
		t.Errorf("slave fd is device %x, %s is %x", stSlave.Rdev, path, stPath.Rdev)
	}
	tests := []struct {
		name     string
		from, to *os.File
		send     string
		want     string
	}{
		// The line discipline turns "\n" into "\r\n" on output (ONLCR).
		{"slave to master", slave, master, "from container\n", "from container\r\n"},
		{"master to slave", master, slave, "typed\n", "typed\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.from.Write([]byte(tt.send)); err != nil {
				t.Fatal(err)
			}
			if got := readWithin(t, tt.to, tt.want, 2*time.Second); !strings.Contains(got, tt.want) {
				t.Errorf("read %q, want %q", got, tt.want)
			}
		})
	}
}

func TestNewPtyFdsAreCloexec(t *testing.T) {
	master, slave, _ := newPty(t)
	for name, f := range map[string]*os.File{"master": master, "slave": slave} {
		flags, err := unix.FcntlInt(f.Fd(), unix.F_GETFD, 0)
		if err != nil || flags&unix.FD_CLOEXEC == 0 {
			t.Errorf("%s fd flags = %#x, %v: want FD_CLOEXEC", name, flags, err)
		}
	}
}

func TestSetSize(t *testing.T) {
	master, slave, _ := newPty(t)
	tests := []struct {
		name          string
		set, readBack *os.File
		h, w          uint16
	}{
		{"on master", master, slave, 24, 80},
		{"on slave", slave, master, 50, 200},
		{"large", master, master, 1000, 65535},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := SetSize(tt.set, tt.h, tt.w); err != nil {
				t.Fatal(err)
			}
			ws, err := unix.IoctlGetWinsize(int(tt.readBack.Fd()), unix.TIOCGWINSZ)
			if err != nil {
				t.Fatal(err)
			}
			if ws.Row != tt.h || ws.Col != tt.w {
				t.Errorf("TIOCGWINSZ = %dx%d, want %dx%d", ws.Row, ws.Col, tt.h, tt.w)
			}
		})
	}
	f, err := os.CreateTemp(t.TempDir(), "notty")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := SetSize(f, 1, 1); !errors.Is(err, unix.ENOTTY) {
		t.Errorf("SetSize on a regular file = %v, want ENOTTY", err)
	}
}

func TestRelayCopiesBothWays(t *testing.T) {
	master, slave, _ := newPty(t)
	inR, inW, _ := os.Pipe()
	outR, outW, _ := os.Pipe()
	defer inR.Close()
	defer outR.Close()

	r, err := startRelay(master, inR, outW)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()

	// Our input reaches the container's side.
	inW.Write([]byte("input\n"))
	if got := readWithin(t, slave, "input\n", 2*time.Second); !strings.Contains(got, "input") {
		t.Errorf("slave read %q", got)
	}
	// The container's output reaches our stdout.
	slave.Write([]byte("output\n"))
	if got := readWithin(t, outR, "output\r\n", 2*time.Second); !strings.Contains(got, "output") {
		t.Errorf("stdout read %q", got)
	}
	// Closing the container's side ends Drain at once.
	slave.Close()
	start := time.Now()
	r.Drain()
	if took := time.Since(start); took >= drainIdle {
		t.Errorf("Drain took %v after the slave closed, want < %v", took, drainIdle)
	}
	inW.Close()
	outW.Close()
	if err := r.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestRelayFollowsTerminalSize(t *testing.T) {
	// Our "terminal" is another pty's slave used as stdout.
	master, slave, _ := newPty(t)
	_, ourTerm, _ := newPty(t)
	if err := SetSize(ourTerm, 33, 99); err != nil {
		t.Fatal(err)
	}
	inR, inW, _ := os.Pipe()
	defer inR.Close()
	defer inW.Close()
	r, err := startRelay(master, inR, ourTerm)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if h, w, _ := getSize(slave); h != 33 || w != 99 {
		t.Errorf("container size after start = %dx%d, want 33x99", h, w)
	}
	SetSize(ourTerm, 40, 120)
	unix.Kill(os.Getpid(), unix.SIGWINCH)
	deadline := time.Now().Add(2 * time.Second)
	for time.Now().Before(deadline) {
		if h, w, _ := getSize(slave); h == 40 && w == 120 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	h, w, _ := getSize(slave)
	t.Errorf("container size after SIGWINCH = %dx%d, want 40x120", h, w)
}

func TestSetControllingTerminal(t *testing.T) {
	master, _, path := newPty(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), cttyHelperEnv+"="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	want := fmt.Sprintf("stdin=%s ctty=true", path)
	got := readWithin(t, master, want, 5*time.Second)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("helper: %v: %s", err, stderr.String())
	}
	if !strings.Contains(got, want) {
		t.Errorf("helper wrote %q, want %q", got, want)
	}
}

func TestClearONLCR(t *testing.T) {
	master, slave, _ := newPty(t)
	if err := ClearONLCR(slave); err != nil {
		t.Fatal(err)
	}
	if _, err := slave.Write([]byte("a\nb\n")); err != nil {
		t.Fatal(err)
	}
	got := readWithin(t, master, "b\n", 2*time.Second)
	if got != "a\nb\n" {
		t.Errorf("master read %q, want %q", got, "a\nb\n")
	}
}

// TestRelayDrain: once the program has exited, a process still holding the pty must not keep
// the relay (and so berth exec -t) waiting, and what was written before must still arrive.
func TestRelayDrain(t *testing.T) {
	tests := []struct {
		name    string
		writer  bool // something keeps writing to the pty while Drain runs
		maxTime time.Duration
	}{
		{"slave held, silent", false, drainIdle + 500*time.Millisecond},
		{"slave held, writing", true, drainLimit + 500*time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			master, slave, _ := newPty(t)
			inR, inW, _ := os.Pipe()
			defer inR.Close()
			defer inW.Close()
			outR, outW, _ := os.Pipe()
			defer outR.Close()
			defer outW.Close()
			var out bytes.Buffer
			copied := make(chan struct{})
			go func() { io.Copy(&out, outR); close(copied) }()
			r, err := startRelay(master, inR, outW)
			if err != nil {
				t.Fatal(err)
			}
			slave.Write([]byte("last words\n"))
			stop := make(chan struct{})
			defer close(stop)
			if tt.writer {
				go func() {
					for {
						select {
						case <-stop:
							return
						case <-time.After(10 * time.Millisecond):
							slave.Write([]byte("."))
						}
					}
				}()
			}
			start := time.Now()
			r.Drain()
			if took := time.Since(start); took > tt.maxTime {
				t.Errorf("Drain took %v, want at most %v", took, tt.maxTime)
			}
			r.Close()
			outW.Close()
			<-copied
			if !strings.Contains(out.String(), "last words") {
				t.Errorf("relayed %q, want the last words", out.String())
			}
		})
	}
}
