package fdpass

import (
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// socketPair returns two connected unix stream sockets.
func socketPair(t *testing.T) (a, b *os.File) {
	t.Helper()
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	a, b = os.NewFile(uintptr(fds[0]), "a"), os.NewFile(uintptr(fds[1]), "b")
	t.Cleanup(func() { a.Close(); b.Close() })
	return a, b
}

func sameFile(t *testing.T, f, g *os.File) bool {
	t.Helper()
	var sf, sg unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &sf); err != nil {
		t.Fatal(err)
	}
	if err := unix.Fstat(int(g.Fd()), &sg); err != nil {
		t.Fatal(err)
	}
	return sf.Dev == sg.Dev && sf.Ino == sg.Ino
}

func TestSendRecv(t *testing.T) {
	regular, err := os.Create(filepath.Join(t.TempDir(), "file"))
	if err != nil {
		t.Fatal(err)
	}
	defer regular.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	dup, err := unix.Dup(int(w.Fd()))
	if err != nil {
		t.Fatal(err)
	}
	unnamed := os.NewFile(uintptr(dup), "")
	defer unnamed.Close()
	tests := []struct {
		name     string
		f        *os.File
		wantName string
	}{
		{"regular file", regular, regular.Name()},
		{"pipe", r, r.Name()},
		{"no name", unnamed, "fd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := socketPair(t)
			if err := Send(a, tt.f); err != nil {
				t.Fatalf("Send: %v", err)
			}
			got, err := Recv(b)
			if err != nil {
				t.Fatalf("Recv: %v", err)
			}
			defer got.Close()
			if got.Fd() == tt.f.Fd() {
				t.Errorf("received the same fd number %d: not a new descriptor", got.Fd())
			}
			if !sameFile(t, got, tt.f) {
				t.Error("received fd refers to a different file")
			}
			if got.Name() != tt.wantName {
				t.Errorf("name = %q, want %q", got.Name(), tt.wantName)
			}
			if flags, _ := unix.FcntlInt(got.Fd(), unix.F_GETFD, 0); flags&unix.FD_CLOEXEC == 0 {
				t.Error("received fd is not close-on-exec")
			}
		})
	}
}

func TestRecvErrors(t *testing.T) {
	tests := []struct {
		name string
		send func(t *testing.T, a *os.File)
		want string
	}{
		{"closed peer is EOF", func(t *testing.T, a *os.File) { a.Close() }, io.EOF.Error()},
		{"data without fd", func(t *testing.T, a *os.File) { a.Write([]byte("hello")) }, "got 0 fds"},
		{"two fds", func(t *testing.T, a *os.File) {
			rights := unix.UnixRights(0, 1)
			if err := unix.Sendmsg(int(a.Fd()), []byte("x"), rights, nil, 0); err != nil {
				t.Fatal(err)
			}
		}, "got 2 fds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := socketPair(t)
			tt.send(t, a)
			_, err := Recv(b)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Recv = %v, want an error with %q", err, tt.want)
			}
			if tt.want == io.EOF.Error() && !errors.Is(err, io.EOF) {
				t.Errorf("Recv = %v, want io.EOF", err)
			}
		})
	}
}

// TestSendTo: data and fd arrive in the first message, as a seccomp agent expects.
func TestSendTo(t *testing.T) {
	path := filepath.Join(t.TempDir(), "agent.sock")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	f, err := os.Open("/")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	errc := make(chan error, 1)
	go func() { errc <- SendTo(path, []byte(`{"state":1}`), int(f.Fd())) }()
	conn, err := l.AcceptUnix()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	buf, oob := make([]byte, 64), make([]byte, unix.CmsgSpace(4))
	n, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatalf("SendTo: %v", err)
	}
	if string(buf[:n]) != `{"state":1}` {
		t.Errorf("data = %q", buf[:n])
	}
	fds, err := parseRights(oob[:oobn])
	if err != nil || len(fds) != 1 {
		t.Fatalf("rights = %v, %v; want one fd", fds, err)
	}
	got := os.NewFile(uintptr(fds[0]), "got")
	defer got.Close()
	if !sameFile(t, got, f) {
		t.Error("received fd refers to a different file")
	}
	if err := SendTo(filepath.Join(t.TempDir(), "none.sock"), []byte("x"), int(f.Fd())); err == nil {
		t.Error("SendTo a missing socket succeeded")
	}
}
