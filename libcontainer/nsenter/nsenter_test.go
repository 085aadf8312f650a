//go:build linux && cgo

package nsenter

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/berth-runtime/berth/libcontainer/internal/testutil"
	"golang.org/x/sys/unix"
)

func TestJoinNet(t *testing.T) {
	testutil.RequireRoot(t)
	netns := newNetNS(t)
	o := run{
		env:   []string{"_BERTH_NSENTER=1", "_BERTH_NS_FDS=net:4", "BERTH_TEST_CHECK_FDS=3 4"},
		files: []*os.File{netns},
	}.do(t)
	r := o.mustSucceed(t)
	if len(o.frames) != 0 {
		t.Errorf("frames without fork: %v", o.frames)
	}
	if want := nsLink(t, netns); r.NS["net"] != want {
		t.Errorf("net ns = %s, want %s", r.NS["net"], want)
	}
	if strings.HasPrefix(r.FdLinks["4"], "net:") || !strings.HasPrefix(r.FdLinks["3"], "socket:") {
		t.Errorf("fds = %v, want 3 the sync socket and 4 no longer the net ns", r.FdLinks)
	}
	if want := map[string]string{"_BERTH_SYNC_FD": "3"}; !mapsEqual(r.Env, want) {
		t.Errorf("Go sees env %v, want %v", r.Env, want)
	}
	if r.Dumpable != 1 {
		t.Errorf("dumpable = %d, want 1 (only a net ns joined)", r.Dumpable)
	}
}

func TestDisabledConstructorDoesNothing(t *testing.T) {
	for _, on := range []string{"", "0", "yes"} {
		t.Run("_BERTH_NSENTER="+on, func(t *testing.T) {
			env := []string{"_BERTH_NS_FDS=garbage", "_BERTH_FORK=1"}
			if on != "" {
				env = append(env, "_BERTH_NSENTER="+on)
			}
			o := run{env: env}.do(t)
			r := o.mustSucceed(t)
			if len(o.frames) != 0 || r.Env["_BERTH_NS_FDS"] != "garbage" {
				t.Errorf("constructor acted: frames %v, env %v", o.frames, r.Env)
			}
		})
	}
}

func TestForkReportsPid(t *testing.T) {
	testutil.RequireRoot(t)
	netns := newNetNS(t)
	o := run{
		env:   []string{"_BERTH_NSENTER=1", "_BERTH_NS_FDS=net:4", "_BERTH_FORK=1"},
		files: []*os.File{netns},
	}.do(t)
	r := o.mustSucceed(t)
	if len(o.frames) != 1 || o.frames[0]["type"] != "pid" {
		t.Fatalf("frames = %v, want one pid frame", o.frames)
	}
	if pid := int(o.frames[0]["pid"].(float64)); pid != r.Pid {
		t.Errorf("pid frame says %d, init is %d", pid, r.Pid)
	}
	if r.Ppid != os.Getpid() {
		t.Errorf("init's parent = %d, want the host %d (CLONE_PARENT)", r.Ppid, os.Getpid())
	}
	if r.NS["net"] != nsLink(t, netns) {
		t.Errorf("forked init not in the joined net ns")
	}
}

func TestJoinPidNamespace(t *testing.T) {
	testutil.RequireRoot(t)
	h := newHolder(t, &syscall.SysProcAttr{Cloneflags: syscall.CLONE_NEWPID})
	pidns := h.open(t, "pid")
	o := run{
		env:   []string{"_BERTH_NSENTER=1", "_BERTH_NS_FDS=pid:4", "_BERTH_FORK=1"},
		files: []*os.File{pidns},
	}.do(t)
	r := o.mustSucceed(t)
	if r.NS["pid"] != nsLink(t, pidns) {
		t.Errorf("pid ns = %s, want %s", r.NS["pid"], nsLink(t, pidns))
	}
	hostPid := int(o.frames[0]["pid"].(float64))
	if r.Pid <= 1 || r.Pid == hostPid {
		t.Errorf("pid inside = %d, host pid = %d: want a small pid of the joined ns", r.Pid, hostPid)
	}
	if r.Dumpable != 0 {
		t.Errorf("dumpable = %d, want 0 inside a joined pid ns", r.Dumpable)
	}
}

// TestJoinUserAndOwned joins a user namespace and namespaces it owns, as root.
func TestJoinUserAndOwned(t *testing.T) {
	testutil.RequireRoot(t)
	h := newHolder(t, &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNET | syscall.CLONE_NEWUTS | syscall.CLONE_NEWIPC,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 100000, Size: 65536}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 100000, Size: 65536}},
	})
	files := []*os.File{h.open(t, "net"), h.open(t, "user"), h.open(t, "uts"), h.open(t, "ipc")}
	o := run{
		env:   []string{"_BERTH_NSENTER=1", "_BERTH_NS_FDS=net:4,user:5,uts:6,ipc:7"},
		files: files,
	}.do(t)
	r := o.mustSucceed(t)
	for i, ns := range []string{"net", "user", "uts", "ipc"} {
		if r.NS[ns] != nsLink(t, files[i]) {
			t.Errorf("%s ns = %s, want %s", ns, r.NS[ns], nsLink(t, files[i]))
		}
	}
	if r.Dumpable != 0 {
		t.Errorf("dumpable = %d, want 0 inside a joined user ns", r.Dumpable)
	}
}

// TestForkIntoCgroup: with a cgroup v2 directory the fork places the child there (clone3), and
// the user and cgroup namespaces, which the constructor joins after the fork, are the given ones.
func TestForkIntoCgroup(t *testing.T) {
	testutil.RequireRoot(t)
	dir, name := newCgroup2Dir(t)
	h := newHolder(t, &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWPID | unix.CLONE_NEWCGROUP | syscall.CLONE_NEWNET,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 100000, Size: 65536}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: 100000, Size: 65536}},
	})
	kinds := []string{"user", "pid", "cgroup", "net"}
	var files []*os.File
	for _, k := range kinds {
		files = append(files, h.open(t, k))
	}
	o := run{
		env: []string{"_BERTH_NSENTER=1", "_BERTH_NS_FDS=user:4,pid:5,cgroup:6,net:7", "_BERTH_FORK=1",
			"_BERTH_CGROUP_DIR_FD=8"},
		files: append(files, dir),
	}.do(t)
	r := o.mustSucceed(t)
	for i, k := range kinds {
		if r.NS[k] != nsLink(t, files[i]) {
			t.Errorf("%s ns = %s, want %s", k, r.NS[k], nsLink(t, files[i]))
		}
	}
	if !strings.HasSuffix(r.Cgroup, "/"+name) {
		t.Errorf("child's cgroup = %q, want the directory %s", r.Cgroup, name)
	}
}

// newCgroup2Dir makes a cgroup below the cgroup2 mount and opens it O_PATH; it is removed at
// cleanup, after the processes in it are gone. Skips without cgroup2.
func newCgroup2Dir(t *testing.T) (*os.File, string) {
	t.Helper()
	mnt := ""
	for _, m := range []string{"/sys/fs/cgroup", "/sys/fs/cgroup/unified"} {
		var st unix.Statfs_t
		if unix.Statfs(m, &st) == nil && st.Type == unix.CGROUP2_SUPER_MAGIC {
			mnt = m
			break
		}
	}
	if mnt == "" {
		t.Skip("no cgroup2 mount")
	}
	name := fmt.Sprintf("berth-nsenter-test-%d", os.Getpid())
	path := filepath.Join(mnt, name)
	if err := os.Mkdir(path, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(path) })
	f, err := os.OpenFile(path, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f, name
}

// TestJoinDeferredUntilUser runs the constructor unprivileged (uid 1000): the net ns owned by
// the user ns can only be joined after the user ns, and a host-owned one not at all.
func TestJoinDeferredUntilUser(t *testing.T) {
	testutil.RequireRoot(t)
	const uid = 1000
	bin := copyTestBinary(t)
	h := newUnprivilegedHolder(t, uid)
	cred := &syscall.Credential{Uid: uid, Gid: uid}
	t.Run("owned net after user", func(t *testing.T) {
		netns, userns := h.open(t, "net"), h.open(t, "user")
		r := run{
			env:   []string{"_BERTH_NSENTER=1", "_BERTH_NS_FDS=net:4,user:5"},
			files: []*os.File{netns, userns}, cred: cred, path: bin,
		}.do(t).mustSucceed(t)
		if r.NS["net"] != nsLink(t, netns) || r.NS["user"] != nsLink(t, userns) {
			t.Errorf("ns = %v, want net %s user %s", r.NS, nsLink(t, netns), nsLink(t, userns))
		}
	})
	t.Run("host net without privilege", func(t *testing.T) {
		msg := run{
			env:   []string{"_BERTH_NSENTER=1", "_BERTH_NS_FDS=net:4"},
			files: []*os.File{newNetNS(t)}, cred: cred, path: bin,
		}.do(t).errorFrame(t)
		if want := "nsenter: setns net (fd 4): operation not permitted"; msg != want {
			t.Errorf("error = %q, want %q", msg, want)
		}
	})
}

// copyTestBinary copies the test binary where an unprivileged user can execute it.
func copyTestBinary(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "nsenter-test-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	src, err := os.Open(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	path := filepath.Join(dir, "nsenter.test")
	dst, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestTimeOffsets(t *testing.T) {
	testutil.RequireRoot(t)
	const shift = 86400
	host, err := os.Readlink("/proc/self/ns/time")
	if err != nil {
		t.Fatal(err)
	}
	var before unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &before)
	o := run{env: []string{
		"_BERTH_NSENTER=1", "_BERTH_UNSHARE=80", "_BERTH_FORK=1",
		"_BERTH_TIMENS_OFFSETS=monotonic 86400 0\nboottime 1 0\n",
	}}.do(t)
	r := o.mustSucceed(t)
	if r.NS["time"] == host {
		t.Errorf("forked init still in the host time ns %s", host)
	}
	if d := r.Monotonic - before.Sec; d < shift || d > shift+60 {
		t.Errorf("CLOCK_MONOTONIC in init - host = %ds, want about %ds", d, shift)
	}
}

func TestBadInputGivesErrorFrame(t *testing.T) {
	testutil.RequireRoot(t)
	netns := newNetNS(t)
	regular, err := os.Open(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	defer regular.Close()
	files := []*os.File{netns, regular} // fds 4 and 5
	tests := []struct {
		name string
		env  []string
		want string // the whole error sentence, or a prefix ending in "..."
	}{
		{"no colon", []string{"_BERTH_NS_FDS=net"}, `nsenter: _BERTH_NS_FDS entry 0 "net": want type:fd`},
		{"empty fd", []string{"_BERTH_NS_FDS=net:"}, `nsenter: _BERTH_NS_FDS entry 0 "net:": want a file descriptor number of 3 or more`},
		{"letters", []string{"_BERTH_NS_FDS=net:4a"}, `nsenter: _BERTH_NS_FDS entry 0 "net:4a": want a file...`},
		{"sign", []string{"_BERTH_NS_FDS=net:+4"}, `nsenter: _BERTH_NS_FDS entry 0 "net:+4": want a file...`},
		{"negative", []string{"_BERTH_NS_FDS=net:-4"}, `nsenter: _BERTH_NS_FDS entry 0 "net:-4": want a file...`},
		{"space", []string{"_BERTH_NS_FDS=net: 4"}, `nsenter: _BERTH_NS_FDS entry 0 "net: 4": want a file...`},
		{"overflow", []string{"_BERTH_NS_FDS=net:2147483648"}, `nsenter: _BERTH_NS_FDS entry 0 "net:2147483648": want a file...`},
		{"huge", []string{"_BERTH_NS_FDS=net:99999999999999999999"}, `nsenter: _BERTH_NS_FDS entry 0 "net:99999999999999999999": want a file...`},
		{"stdio fd", []string{"_BERTH_NS_FDS=net:1"}, `nsenter: _BERTH_NS_FDS entry 0 "net:1": want a file...`},
		{"sync fd", []string{"_BERTH_NS_FDS=net:3"}, `nsenter: _BERTH_NS_FDS entry 0: fd 3 is the sync or log fd`},
		{"log fd", []string{"_BERTH_LOG_FD=4", "_BERTH_NS_FDS=net:4"}, `nsenter: _BERTH_NS_FDS entry 0: fd 4 is the sync or log fd`},
		{"log fd garbage", []string{"_BERTH_LOG_FD=x"}, `nsenter: _BERTH_LOG_FD: want a file descriptor number of 3 or more, not the sync fd`},
		{"log fd is sync", []string{"_BERTH_LOG_FD=3"}, `nsenter: _BERTH_LOG_FD: want a file descriptor number of 3 or more, not the sync fd`},
		{"log level", []string{"_BERTH_LOG_FD=5", "_BERTH_LOG_LEVEL=trace"}, `nsenter: _BERTH_LOG_LEVEL: want debug, info, warn or error`},
		{"unknown type", []string{"_BERTH_NS_FDS=network:4"}, `nsenter: _BERTH_NS_FDS entry 0 "network:4": unknown namespace type`},
		{"type twice", []string{"_BERTH_NS_FDS=net:4,net:5"}, `nsenter: _BERTH_NS_FDS entry 1: namespace net given twice`},
		{"fd twice", []string{"_BERTH_NS_FDS=net:4,uts:4"}, `nsenter: _BERTH_NS_FDS entry 1: fd 4 given twice`},
		{"trailing comma", []string{"_BERTH_NS_FDS=net:4,"}, `nsenter: _BERTH_NS_FDS entry 1 "": want type:fd`},
		{"lone comma", []string{"_BERTH_NS_FDS=,"}, `nsenter: _BERTH_NS_FDS entry 0 "": want type:fd`},
		{"too long", []string{"_BERTH_NS_FDS=" + strings.Repeat("net:4,", 50)}, `nsenter: _BERTH_NS_FDS: longer than 256 bytes`},
		{"json escaping", []string{"_BERTH_NS_FDS=\"\\\x01\xff:4"}, "nsenter: _BERTH_NS_FDS entry 0 \"\"\\\x01\u00ff:4\": unknown namespace type"},
		{"unshare prefix", []string{"_BERTH_UNSHARE=0x80"}, `nsenter: _BERTH_UNSHARE: want 1 to 8 hex digits`},
		{"unshare empty", []string{"_BERTH_UNSHARE="}, `nsenter: _BERTH_UNSHARE: want 1 to 8 hex digits`},
		{"unshare too big", []string{"_BERTH_UNSHARE=100000000"}, `nsenter: _BERTH_UNSHARE: want 1 to 8 hex digits`},
		{"unshare not ns", []string{"_BERTH_UNSHARE=100"}, `nsenter: _BERTH_UNSHARE 100: not only namespace flags`},
		{"unshare user", []string{"_BERTH_UNSHARE=10000000"}, `nsenter: _BERTH_UNSHARE 10000000: a new user namespace cannot be made here`},
		{"joined and new", []string{"_BERTH_NS_FDS=net:4", "_BERTH_UNSHARE=40000000"}, `nsenter: _BERTH_UNSHARE 40000000: namespace net is both joined and new`},
		{"pid without fork", []string{"_BERTH_UNSHARE=20000000"}, `nsenter: a pid namespace needs _BERTH_FORK=1: it takes in only children`},
		{"fork garbage", []string{"_BERTH_FORK=yes"}, `nsenter: _BERTH_FORK: want 1 or 0`},
		{"offsets without timens", []string{"_BERTH_TIMENS_OFFSETS=monotonic 1 0"}, `nsenter: _BERTH_TIMENS_OFFSETS: set without a new time namespace in _BERTH_UNSHARE`},
		{"offsets alphabet", []string{"_BERTH_UNSHARE=80", `_BERTH_TIMENS_OFFSETS=monotonic 1 0"`}, `nsenter: _BERTH_TIMENS_OFFSETS: want lines of "clock secs nanosecs"`},
		{"offsets rejected by kernel", []string{"_BERTH_UNSHARE=80", "_BERTH_TIMENS_OFFSETS=realtime 1 0"}, `nsenter: write /proc/self/timens_offsets: invalid argument`},
		{"cgroup letters", []string{"_BERTH_CGROUP_FDS=4x"}, `nsenter: _BERTH_CGROUP_FDS entry 0 "4x": want a file descriptor number of 3 or more`},
		{"cgroup stdio", []string{"_BERTH_CGROUP_FDS=6,2"}, `nsenter: _BERTH_CGROUP_FDS entry 1 "2": want a file...`},
		{"cgroup overflow", []string{"_BERTH_CGROUP_FDS=2147483648"}, `nsenter: _BERTH_CGROUP_FDS entry 0 "2147483648": want a file...`},
		{"cgroup empty entry", []string{"_BERTH_CGROUP_FDS=6,,7"}, `nsenter: _BERTH_CGROUP_FDS entry 1 "": want a file...`},
		{"cgroup trailing comma", []string{"_BERTH_CGROUP_FDS=6,"}, `nsenter: _BERTH_CGROUP_FDS entry 1 "": want a file...`},
		{"cgroup sync fd", []string{"_BERTH_CGROUP_FDS=3"}, `nsenter: _BERTH_CGROUP_FDS entry 0: fd 3 is the sync fd`},
		{"cgroup fd is a namespace's", []string{"_BERTH_NS_FDS=net:4", "_BERTH_CGROUP_FDS=5,4"}, `nsenter: _BERTH_CGROUP_FDS entry 1: fd 4 is the net namespace's`},
		{"cgroup fd twice", []string{"_BERTH_CGROUP_FDS=6,7,6"}, `nsenter: _BERTH_CGROUP_FDS entry 2: fd 6 given twice`},
		{"cgroup too many", []string{"_BERTH_CGROUP_FDS=" + fdList(10, 17)}, `nsenter: _BERTH_CGROUP_FDS: more than 16 fds`},
		{"cgroup too long", []string{"_BERTH_CGROUP_FDS=" + strings.Repeat("0", 190) + "6,7"}, `nsenter: _BERTH_CGROUP_FDS: longer than 192 bytes`},
		{"cgroup not writable", []string{"_BERTH_CGROUP_FDS=5"}, `nsenter: join cgroup (fd 5): bad file descriptor`},
		{"closed fd", []string{"_BERTH_NS_FDS=net:99"}, `nsenter: setns net (fd 99): bad file descriptor`},
		{"not a namespace", []string{"_BERTH_NS_FDS=net:5"}, `nsenter: setns net (fd 5): invalid argument`},
		{"wrong type", []string{"_BERTH_NS_FDS=uts:4"}, `nsenter: setns uts (fd 4): invalid argument`},
		{"cgroup dir without fork", []string{"_BERTH_CGROUP_DIR_FD=5"}, `nsenter: _BERTH_CGROUP_DIR_FD needs _BERTH_FORK=1: it is where the fork goes`},
		{"cgroup dir with unshare", []string{"_BERTH_FORK=1", "_BERTH_UNSHARE=4000000", "_BERTH_CGROUP_DIR_FD=5"}, `nsenter: _BERTH_CGROUP_DIR_FD with _BERTH_UNSHARE: new namespaces would be made outside the cgroup`},
		{"cgroup dir is sync", []string{"_BERTH_FORK=1", "_BERTH_CGROUP_DIR_FD=3"}, `nsenter: _BERTH_CGROUP_DIR_FD: want a file descriptor number of 3 or more, not the sync or log fd`},
		{"cgroup dir is a namespace's", []string{"_BERTH_NS_FDS=net:4", "_BERTH_FORK=1", "_BERTH_CGROUP_DIR_FD=4"}, `nsenter: _BERTH_CGROUP_DIR_FD: fd 4 is the net namespace's`},
		{"cgroup dir is a tasks fd", []string{"_BERTH_CGROUP_FDS=5", "_BERTH_FORK=1", "_BERTH_CGROUP_DIR_FD=5"}, `nsenter: _BERTH_CGROUP_DIR_FD: fd 5 is a cgroup tasks fd`},
		{"plan fd is the cgroup dir's", []string{"_BERTH_FORK=1", "_BERTH_CGROUP_DIR_FD=5", "_BERTH_EXEC_PLAN_FD=5"}, `nsenter: _BERTH_EXEC_PLAN_FD: fd 5 is _BERTH_CGROUP_DIR_FD's`},
		{"plan fd is a namespace's", []string{"_BERTH_NS_FDS=net:4", "_BERTH_EXEC_PLAN_FD=4"}, `nsenter: _BERTH_EXEC_PLAN_FD: fd 4 is the net namespace's`},
		{"console fd is the plan's", []string{"_BERTH_EXEC_PLAN_FD=5", "_BERTH_CONSOLE_FD=5"}, `nsenter: _BERTH_CONSOLE_FD: fd 5 is _BERTH_EXEC_PLAN_FD's`},
		{"console fd is the sync fd", []string{"_BERTH_EXEC_PLAN_FD=5", "_BERTH_CONSOLE_FD=3"}, `nsenter: _BERTH_CONSOLE_FD: want a file descriptor number of 3 or more, not the sync or log fd`},
		{"cgroup dir not a cgroup", []string{"_BERTH_FORK=1", "_BERTH_CGROUP_DIR_FD=5"}, `nsenter: clone into the cgroup: bad file descriptor`},
		{"cgroup sock with tasks fds", []string{"_BERTH_CGROUP_FDS=5", "_BERTH_CGROUP_SOCK_FD=4"}, `nsenter: _BERTH_CGROUP_SOCK_FD with _BERTH_CGROUP_FDS: the tasks files come one way`},
		{"cgroup sock is a tasks fd", []string{"_BERTH_CGROUP_FDS=5", "_BERTH_CGROUP_SOCK_FD=5"}, `nsenter: _BERTH_CGROUP_SOCK_FD: fd 5 is a cgroup tasks fd`},
		{"cgroup sock is the cgroup dir", []string{"_BERTH_FORK=1", "_BERTH_CGROUP_DIR_FD=5", "_BERTH_CGROUP_SOCK_FD=5"}, `nsenter: _BERTH_CGROUP_SOCK_FD: fd 5 is _BERTH_CGROUP_DIR_FD's`},
		{"cgroup sock not a socket", []string{"_BERTH_CGROUP_SOCK_FD=5"}, `nsenter: receive the cgroup files: socket operation on non-socket`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := run{env: append([]string{"_BERTH_NSENTER=1"}, tt.env...), files: files}.do(t)
			msg := o.errorFrame(t)
			if prefix, ok := strings.CutSuffix(tt.want, "..."); ok {
				if !strings.HasPrefix(msg, prefix) {
					t.Errorf("error = %q, want it to start with %q", msg, prefix)
				}
			} else if msg != tt.want {
				t.Errorf("error = %q, want %q", msg, tt.want)
			}
		})
	}
}

func TestBadSyncFdGoesToStderr(t *testing.T) {
	for _, v := range []string{"", "x", "-1", "2"} {
		t.Run(v, func(t *testing.T) {
			o := run{env: []string{"_BERTH_NSENTER=1", "_BERTH_SYNC_FD=" + v}}.do(t)
			want := "nsenter: _BERTH_SYNC_FD: want a file descriptor number of 3 or more"
			if o.exitCode != 1 || len(o.frames) != 0 || !strings.Contains(o.stderr, want) {
				t.Errorf("exit %d, frames %v, stderr %q; want exit 1 and %q on stderr", o.exitCode, o.frames, o.stderr, want)
			}
		})
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// fdList is "first,first+1,..." with n numbers.
func fdList(first, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprint(&b, first+i)
	}
	return b.String()
}

// FuzzConstructorEnv feeds the constructor arbitrary values of its environment contract. Whatever
// comes, it either does its work and lets Go start (exit 0 with a report), or fails with exit 1
// and one well-formed error frame saying "nsenter: ..."; never a crash, a hang or garbage on the
// sync socket. The only fds it can reach are a network namespace (4) and a read-only file (5).
func FuzzConstructorEnv(f *testing.F) {
	testutil.RequireRoot(f)
	netns := newNetNS(f)
	regular, err := os.Open(os.Args[0])
	if err != nil {
		f.Fatal(err)
	}
	defer regular.Close()
	f.Add("net:4", "", "0", "", "")
	f.Add("net:4,uts:5", "8000000", "1", "5", "")
	f.Add("", "20000000", "1", "", "")
	f.Add("", "80", "0", "", "monotonic 5 0")
	f.Add("user:4", "", "", "4,5", "boottime 1 1\n")
	f.Add("net:2147483647", "ffffffff", "x", "99,,", "\n")
	f.Fuzz(func(t *testing.T, nsFds, unshare, fork, cgroupFds, offsets string) {
		vars := map[string]string{"_BERTH_NS_FDS": nsFds, "_BERTH_UNSHARE": unshare, "_BERTH_FORK": fork,
			"_BERTH_CGROUP_FDS": cgroupFds, "_BERTH_TIMENS_OFFSETS": offsets}
		env := []string{"_BERTH_NSENTER=1"}
		for k, v := range vars {
			if strings.ContainsRune(v, 0) {
				t.Skip("an environment value cannot hold NUL")
			}
			if v != "" {
				env = append(env, k+"="+v)
			}
		}
		o := run{env: env, files: []*os.File{netns, regular}}.do(t)
		switch o.exitCode {
		case 0:
			o.mustSucceed(t)
		case 1:
			last := o.frames[len(o.frames)-1]
			msg, _ := last["error"].(string)
			if last["type"] != "error" || !strings.HasPrefix(msg, "nsenter: ") {
				t.Fatalf("exit 1 with frames %v, stderr %q; want an error frame", o.frames, o.stderr)
			}
		default:
			t.Fatalf("exit %d, frames %v, stderr %q; want 0 or 1", o.exitCode, o.frames, o.stderr)
		}
	})
}

// TestCgroupFilesArriveLater: with _BERTH_CGROUP_SOCK_FD the tasks files come on that socket
// (create makes the cgroup while init starts); each gets "0" as the ones in _BERTH_CGROUP_FDS
// do. A host that closes the socket instead ends the constructor with an error frame.
func TestCgroupFilesArriveLater(t *testing.T) {
	tests := []struct {
		name    string
		files   int  // "tasks" files sent; 0 with send: a message without fds
		send    bool // false: the host closes the socket
		wantErr string
	}{
		{"two files", 2, true, ""},
		{"no file", 0, true, ""},
		{"host gave up", 0, false, "nsenter: the host closed the cgroup socket: no cgroup to join"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
			if err != nil {
				t.Fatal(err)
			}
			child := os.NewFile(uintptr(fds[1]), "cgroup-sock")
			defer child.Close()
			var tasks []*os.File
			var rights []int
			for i := 0; i < tt.files; i++ {
				f, err := os.Create(filepath.Join(t.TempDir(), "tasks"))
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				tasks = append(tasks, f)
				rights = append(rights, int(f.Fd()))
			}
			if tt.send {
				var oob []byte
				if len(rights) > 0 {
					oob = unix.UnixRights(rights...)
				}
				// Queued before the child starts: the stream socket keeps it.
				if err := unix.Sendmsg(fds[0], []byte{0}, oob, nil, 0); err != nil {
					t.Fatal(err)
				}
			}
			unix.Close(fds[0])
			o := run{env: []string{"_BERTH_NSENTER=1", "_BERTH_CGROUP_SOCK_FD=4"}, files: []*os.File{child}}.do(t)
			if tt.wantErr != "" {
				if msg := o.errorFrame(t); msg != tt.wantErr {
					t.Fatalf("error = %q, want %q", msg, tt.wantErr)
				}
				return
			}
			o.mustSucceed(t)
			for i, f := range tasks {
				data, err := os.ReadFile(f.Name())
				if err != nil || string(data) != "0" {
					t.Errorf("tasks file %d holds %q (%v), want \"0\"", i, data, err)
				}
			}
		})
	}
}
