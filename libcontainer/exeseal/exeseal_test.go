package exeseal

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/berth-runtime/berth/libcontainer/internal/testutil"
	"golang.org/x/sys/unix"
)

// childEnv makes the test binary act as the exec'd child: it reports what it sees of its own
// exe and whether it can open it for writing, which is what a hostile container process tries.
const childEnv = "EXESEAL_TEST_CHILD"

func TestMain(m *testing.M) {
	testutil.ReexecMain(m, childEnv, func(mode string) int {
		if mode != "exit" {
			reportSelf()
		}
		return 0
	})
}

// reportSelf prints "child dev:ino write-errno" for /proc/self/exe.
func reportSelf() {
	var st unix.Stat_t
	if err := unix.Stat("/proc/self/exe", &st); err != nil {
		fmt.Println("stat error:", err)
		return
	}
	werr := "opened"
	if fd, err := unix.Open("/proc/self/exe", unix.O_WRONLY|unix.O_CLOEXEC, 0); err != nil {
		werr = unix.ErrnoName(err.(unix.Errno))
	} else {
		unix.Close(fd)
	}
	fmt.Printf("child %d:%d %s\n", st.Dev, st.Ino, werr)
}

// mechanism is one way of getting an unwritable view of the binary at path.
type mechanism struct {
	name string
	open func(path string) (*os.File, error)
	// sameInode is true where the view is the host's inode behind a read-only mount.
	sameInode bool
}

func overlayMechanism(path string) (*os.File, error) {
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		return nil, err
	}
	return openOverlay(path, &st)
}

// openBind is the third candidate, kept only for comparison: a detached read-only bind mount of
// the file itself. It copies nothing either, but the container would see the host's inode,
// protected by nothing but the mount's read-only flag.
func openBind(path string) (*os.File, error) {
	fd, err := unix.OpenTree(unix.AT_FDCWD, path, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
	if err != nil {
		return nil, os.NewSyscallError("open_tree", err)
	}
	attr := &unix.MountAttr{Attr_set: unix.MOUNT_ATTR_RDONLY | unix.MOUNT_ATTR_NOSUID | unix.MOUNT_ATTR_NODEV}
	if err := unix.MountSetattr(fd, "", unix.AT_EMPTY_PATH, attr); err != nil {
		unix.Close(fd)
		return nil, os.NewSyscallError("mount_setattr", err)
	}
	return os.NewFile(uintptr(fd), "berth-bind"), nil
}

var mechanisms = []mechanism{
	{name: "overlay", open: overlayMechanism},
	{name: "memfd", open: openMemfd},
	{name: "bind", open: openBind, sameInode: true},
}

func selfPath(tb testing.TB) string {
	tb.Helper()
	p, err := os.Executable()
	if err != nil {
		tb.Fatal(err)
	}
	return p
}

func mountinfo(tb testing.TB) string {
	tb.Helper()
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

func statDevIno(tb testing.TB, path string) string {
	tb.Helper()
	var st unix.Stat_t
	if err := unix.Stat(path, &st); err != nil {
		tb.Fatal(err)
	}
	return fmt.Sprintf("%d:%d", st.Dev, st.Ino)
}

// childCmd execs f the way launch does: f is the last of ExtraFiles, so in the child it has a
// known number however the fds are shuffled, and Path names it through /proc/self/fd.
func childCmd(f *os.File, extra []*os.File, mode string) *exec.Cmd {
	files := append(append([]*os.File(nil), extra...), f)
	return &exec.Cmd{
		Path:       "/proc/self/fd/" + strconv.Itoa(3+len(files)-1),
		Args:       []string{"child"},
		Env:        []string{childEnv + "=" + mode},
		ExtraFiles: files,
	}
}

func TestMechanisms(t *testing.T) {
	testutil.RequireRoot(t)
	host := statDevIno(t, selfPath(t))
	for _, m := range append(mechanisms, mechanism{name: "Open", open: func(string) (*os.File, error) { return Open() }}) {
		t.Run(m.name, func(t *testing.T) {
			before := mountinfo(t)
			f, err := m.open(selfPath(t))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			assertCloexec(t, f)
			assertNotWritable(t, f)
			view := statDevIno(t, procFd(f))
			if (view == host) != m.sameInode {
				t.Errorf("view %s, host %s: same inode = %v, want %v", view, host, view == host, m.sameInode)
			}
			out, err := childCmd(f, nil, "report").Output()
			if err != nil {
				t.Fatalf("exec through fd: %v", err)
			}
			// The child runs from the sealed view and cannot write to its own exe either.
			want := "child " + view + " "
			if got := string(out); !strings.HasPrefix(got, want) || !isRefusal(strings.Fields(got)[2]) {
				t.Errorf("child says %q, want %q then EROFS, ETXTBSY or EPERM", got, want)
			}
			f.Close()
			if after := mountinfo(t); after != before {
				t.Errorf("mount table changed:\nbefore:\n%s\nafter:\n%s", before, after)
			}
		})
	}
}

func procFd(f *os.File) string { return "/proc/self/fd/" + strconv.Itoa(int(f.Fd())) }

func isRefusal(errno string) bool {
	return errno == "EROFS" || errno == "ETXTBSY" || errno == "EPERM"
}

func assertCloexec(t *testing.T, f *os.File) {
	t.Helper()
	flags, err := unix.FcntlInt(f.Fd(), unix.F_GETFD, 0)
	if err != nil {
		t.Fatal(err)
	}
	if flags&unix.FD_CLOEXEC == 0 {
		t.Error("fd is not close-on-exec")
	}
}

// assertNotWritable tries what an attacker holding /proc/<pid>/exe would: reopen it for
// writing, and if that is let through, write.
func assertNotWritable(t *testing.T, f *os.File) {
	t.Helper()
	w, err := os.OpenFile(procFd(f), os.O_WRONLY, 0)
	if err == nil {
		defer w.Close()
		_, err = w.Write([]byte("#!/bin/sh\n"))
	}
	var errno unix.Errno
	if !errors.As(err, &errno) || !isRefusal(unix.ErrnoName(errno)) {
		t.Errorf("write through %s: %v, want EROFS, ETXTBSY or EPERM", procFd(f), err)
	}
}

// TestMemfdSealed checks the memfd itself: the seals are all there and a writable reopening of
// it cannot change a byte.
func TestMemfdSealed(t *testing.T) {
	f, err := openMemfd(selfPath(t))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	seals, err := unix.FcntlInt(f.Fd(), unix.F_GET_SEALS, 0)
	if err != nil {
		t.Fatal(err)
	}
	if seals != allSeals {
		t.Errorf("seals %#x, want %#x", seals, allSeals)
	}
	rw, err := os.OpenFile(procFd(f), os.O_RDWR, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	if _, err := rw.Write([]byte("x")); !errors.Is(err, unix.EPERM) {
		t.Errorf("write: %v, want EPERM", err)
	}
	if err := rw.Truncate(0); !errors.Is(err, unix.EPERM) {
		t.Errorf("truncate: %v, want EPERM", err)
	}
	if _, err := unix.FcntlInt(f.Fd(), unix.F_ADD_SEALS, 0); !errors.Is(err, unix.EPERM) {
		t.Errorf("adding seals: %v, want EPERM (F_SEAL_SEAL)", err)
	}
	var st, host unix.Stat_t
	if err := unix.Fstat(int(f.Fd()), &st); err != nil {
		t.Fatal(err)
	}
	if err := unix.Stat(selfPath(t), &host); err != nil {
		t.Fatal(err)
	}
	if st.Size != host.Size {
		t.Errorf("memfd holds %d bytes, binary has %d", st.Size, host.Size)
	}
}

// TestExecPathSurvivesFdShuffle shows why the sealed fd travels in ExtraFiles rather than by its
// own number: os/exec moves the child's fds around before execve, which can land on any low fd
// the parent holds; the last ExtraFiles slot is the one number that is certain.
func TestExecPathSurvivesFdShuffle(t *testing.T) {
	testutil.RequireRoot(t)
	f, err := Open()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var extra []*os.File
	for i := 0; i < 8; i++ {
		r, w, err := os.Pipe()
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		defer w.Close()
		extra = append(extra, r, w)
	}
	if err := childCmd(f, extra, "exit").Run(); err != nil {
		t.Fatalf("exec with %d extra files: %v", len(extra), err)
	}
}

func TestOpenSelfOverlayRefusesAnotherFile(t *testing.T) {
	testutil.RequireRoot(t)
	// The stat of some other file stands for a binary replaced since berth started.
	var other unix.Stat_t
	if err := unix.Stat("/proc/self/exe", &other); err != nil {
		t.Fatal(err)
	}
	other.Ino++
	if f, err := openOverlay(selfPath(t), &other); err == nil {
		f.Close()
		t.Fatal("opened a file that is not the running binary")
	}
}

func TestEscapeLayer(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/usr/sbin/", "/usr/sbin/"},
		{"/a:b/", `/a\:b/`},
		{`/a\b,c/`, `/a\\b\,c/`},
	} {
		t.Run(tc.in, func(t *testing.T) {
			if got := escapeLayer(tc.in); got != tc.want {
				t.Errorf("escapeLayer(%q) = %q, want %q", tc.in, got, tc.want)
			}
		})
	}
}

// benchBinary is the file to seal in benchmarks: berth itself when built (its size is what a
// copy costs), else the test binary.
func benchBinary(b *testing.B) string {
	if p := os.Getenv("BERTH_BIN"); p != "" {
		return p
	}
	if p, err := filepath.Abs("../../berth"); err == nil {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	return selfPath(b)
}

// BenchmarkOpen measures making the sealed view (and closing it) per mechanism.
func BenchmarkOpen(b *testing.B) {
	testutil.RequireRoot(b)
	path := benchBinary(b)
	b.Logf("binary %s", path)
	for _, m := range mechanisms {
		b.Run(m.name, func(b *testing.B) {
			for b.Loop() {
				f, err := m.open(path)
				if err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
		})
	}
}

// BenchmarkOpenAndExec measures what a start pays: seal, then fork+exec a trivial child
// through the sealed fd (berth --version when berth is built, else this test binary) and wait
// for it. "direct" execs the file itself, the unprotected cost.
func BenchmarkOpenAndExec(b *testing.B) {
	testutil.RequireRoot(b)
	path := benchBinary(b)
	args, env := []string{"berth", "--version"}, []string(nil)
	if path == selfPath(b) {
		args, env = []string{"child"}, []string{childEnv + "=exit"}
	}
	direct := mechanism{name: "direct", open: func(p string) (*os.File, error) {
		return os.OpenFile(p, unix.O_PATH|unix.O_CLOEXEC, 0)
	}}
	for _, m := range append([]mechanism{direct}, mechanisms...) {
		b.Run(m.name, func(b *testing.B) {
			for b.Loop() {
				f, err := m.open(path)
				if err != nil {
					b.Fatal(err)
				}
				cmd := childCmd(f, nil, "")
				cmd.Args, cmd.Env = args, env
				if err := cmd.Run(); err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
		})
	}
}
