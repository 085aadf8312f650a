package main

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/berth-runtime/berth/libcontainer/console"
	"github.com/berth-runtime/berth/libcontainer/fdpass"
)

func TestUnescape(t *testing.T) {
	tests := []struct {
		in, want, wantErr string
	}{
		{in: `tty; exit\n`, want: "tty; exit\n"},
		{in: `a\tb\r\\c`, want: "a\tb\r\\c"},
		{in: `\x04`, want: "\x04"},
		{in: `x\x41y`, want: "xAy"},
		{in: "", want: ""},
		{in: `bad\`, wantErr: `trailing \`},
		{in: `\x4`, wantErr: `short \x escape`},
		{in: `\xzz`, wantErr: `bad \x escape`},
		{in: `\q`, wantErr: `unknown escape \q`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := unescape(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("unescape(%q) = %q, %v; want error %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || string(got) != tt.want {
				t.Fatalf("unescape(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseArgs(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
		mode    string
	}{
		{name: "default single", args: []string{"/s"}, mode: "single"},
		{name: "transcript", args: []string{"--mode", "transcript", "--out", "/f", "--input", `x\n`, "/s"}, mode: "transcript"},
		{name: "bad mode", args: []string{"--mode", "loud", "/s"}, wantErr: `--mode "loud"`},
		{name: "no socket", args: []string{"--mode", "null"}, wantErr: "usage"},
		{name: "bad input", args: []string{"--input", `\`, "/s"}, wantErr: "--input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseArgs(tt.args)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("parseArgs = %v, want error %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || o.mode != tt.mode || o.socket != "/s" {
				t.Fatalf("parseArgs = %+v, %v", o, err)
			}
		})
	}
}

// TestModes plays the runtime's part: it connects to recvtty's socket, sends a pty master and
// acts as the container on the slave.
func TestModes(t *testing.T) {
	tests := []struct {
		name       string
		mode       string
		transcript bool
	}{
		{"transcript", "transcript", true},
		{"null", "null", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			sock, out := filepath.Join(dir, "sock"), filepath.Join(dir, "out")
			done := make(chan error, 1)
			go func() {
				done <- run([]string{"--mode", tt.mode, "--out", out, "--input", `tty; exit\n`, sock}, os.Stdout)
			}()
			waitForSocket(t, sock)
			actAsContainer(t, sock)

			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("run: %v", err)
				}
			case <-time.After(5 * time.Second):
				t.Fatal("recvtty did not exit when the slave closed")
			}
			if _, err := os.Stat(sock); err == nil {
				t.Error("socket left behind")
			}
			b, err := os.ReadFile(out)
			if !tt.transcript {
				if err == nil {
					t.Errorf("%s mode wrote %s", tt.mode, out)
				}
				return
			}
			// The transcript holds the terminal's echo of the input and the container's output.
			if got := string(b); !strings.Contains(got, "tty; exit\r\n") || !strings.Contains(got, "/dev/pts/0\r\n") {
				t.Errorf("transcript = %q", got)
			}
		})
	}
}

// actAsContainer sends a new pty's master to sock, checks that recvtty typed its input on the
// slave, answers, and closes the slave as an exiting container would.
func actAsContainer(t *testing.T, sock string) {
	t.Helper()
	master, slave, _, err := console.NewPty()
	if err != nil {
		t.Fatal(err)
	}
	defer slave.Close()
	sendMaster(t, sock, master)
	master.Close()

	buf := make([]byte, 64)
	n, err := slave.Read(buf)
	if err != nil || string(buf[:n]) != "tty; exit\n" {
		t.Fatalf("container read %q, %v", buf[:n], err)
	}
	slave.Write([]byte("/dev/pts/0\n"))
}

func waitForSocket(t *testing.T, path string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		if _, err := os.Stat(path); err == nil {
			return
		}
	}
	t.Fatalf("socket %s never appeared", path)
}

func sendMaster(t *testing.T, sock string, master *os.File) {
	t.Helper()
	conn, err := net.Dial("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	f, err := conn.(*net.UnixConn).File()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := fdpass.Send(f, master); err != nil {
		t.Fatal(err)
	}
}
