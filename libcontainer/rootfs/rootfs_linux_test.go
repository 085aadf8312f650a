package rootfs

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// The integration tests re-execute the test binary in new mount and PID namespaces (so nothing
// they mount is ever seen by the host) and run Prepare, Enter and Finish there on a small
// busybox rootfs. The child reports through its exit status and stderr.

const (
	envScenario = "BERTH_ROOTFS_TEST_SCENARIO"
	envConfig   = "BERTH_ROOTFS_TEST_CONFIG"
)

// childConfig is what the parent test hands to the child through a JSON file.
type childConfig struct {
	Rootfs   string
	InUserNS bool
	NoPivot  bool
	Spec     *specs.Spec
}

func TestMain(m *testing.M) {
	if name := os.Getenv(envScenario); name != "" {
		runtime.LockOSThread()
		os.Exit(childMain(name))
	}
	os.Exit(m.Run())
}

func childMain(name string) int {
	if err := runChild(name); err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	return 0
}

func runChild(name string) error {
	data, err := os.ReadFile(os.Getenv(envConfig))
	if err != nil {
		return err
	}
	var cc childConfig
	if err := json.Unmarshal(data, &cc); err != nil {
		return err
	}
	c := &Config{Spec: cc.Spec, Rootfs: cc.Rootfs, InUserNS: cc.InUserNS, NoPivot: cc.NoPivot, CgroupNS: hasCgroupNS(cc.Spec)}
	if err := Prepare(c); err != nil {
		return fmt.Errorf("prepare: %w", err)
	}
	if err := Enter(c); err != nil {
		return fmt.Errorf("enter: %w", err)
	}
	if err := Finish(c); err != nil {
		return fmt.Errorf("finish: %w", err)
	}
	if check := childChecks[name]; check != nil {
		return check()
	}
	return nil
}

// childChecks run inside the container after Finish.
var childChecks = map[string]func() error{
	"full":   checkFull,
	"userns": checkUserNS,
	"shared": checkRootShared,
}

// checkRootShared: after rootfsPropagation "shared"/"rshared", / is shared again.
func checkRootShared() error {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return err
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) > 6 && f[4] == "/" {
			if !strings.Contains(line, " shared:") {
				return fmt.Errorf("/ is not shared: %s", line)
			}
			return nil
		}
	}
	return errors.New("no / in mountinfo")
}

func checkFull() error {
	var errs []error
	fail := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	if b, err := os.ReadFile("/mnt/ro/hello"); err != nil || string(b) != "hello\n" {
		fail("bind mount /mnt/ro/hello: %q, %v", b, err)
	}
	if err := unix.Access("/mnt/ro/hello", unix.W_OK); !errors.Is(err, unix.EROFS) {
		fail("ro bind mount should be read-only, access(W_OK) = %v", err)
	}
	if err := os.WriteFile("/mnt/rw/new", []byte("x"), 0o644); err != nil {
		fail("rw bind mount should be writable: %v", err)
	}
	if b, err := os.ReadFile("/etc/hostfile"); err != nil || string(b) != "file\n" {
		fail("file bind mount /etc/hostfile: %q, %v", b, err)
	}
	// /data is a symlink to /etc: the mount must land in the rootfs's /etc.
	if _, err := os.Stat("/etc/berth-symlink-test/hello"); err != nil {
		fail("mount through the /data -> /etc symlink: %v", err)
	}
	if b, err := os.ReadFile("/tmpcopy/seed"); err != nil || string(b) != "seed\n" {
		fail("tmpcopyup: %q, %v", b, err)
	}
	checkDevices(fail)
	checkMasks(fail)
	checkReadonlyTmpfs(fail)
	if err := os.WriteFile("/newfile", nil, 0o644); !errors.Is(err, unix.EROFS) {
		fail("root.readonly: writing /newfile gave %v", err)
	}
	var st unix.Statfs_t
	if err := unix.Statfs("/sys/fs/cgroup/memory", &st); err != nil || st.Type != unix.CGROUP_SUPER_MAGIC {
		fail("/sys/fs/cgroup/memory is not a cgroup mount: %v", err)
	}
	if err := unix.Access("/sys/fs/cgroup/memory", unix.W_OK); !errors.Is(err, unix.EROFS) {
		fail("cgroup hierarchies should be read-only: %v", err)
	}
	out, err := exec.Command("/bin/busybox", "cat", "/proc/keys").Output()
	if err != nil || len(out) != 0 {
		fail("busybox cat /proc/keys: %q, %v", out, err)
	}
	return errors.Join(errs...)
}

func checkDevices(fail func(string, ...any)) {
	var st unix.Stat_t
	if err := unix.Lstat("/dev/null", &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFCHR ||
		st.Rdev != unix.Mkdev(1, 3) || st.Mode&0o777 != 0o666 {
		fail("/dev/null: mode %#o rdev %#x, %v", st.Mode, st.Rdev, err)
	}
	if err := unix.Lstat("/dev/fuse", &st); err != nil || st.Rdev != unix.Mkdev(10, 229) ||
		st.Mode&0o777 != 0o600 || st.Uid != 1000 || st.Gid != 1001 {
		fail("/dev/fuse: mode %#o uid %d gid %d, %v", st.Mode, st.Uid, st.Gid, err)
	}
	for link, want := range map[string]string{
		"/dev/ptmx": "pts/ptmx", "/dev/fd": "/proc/self/fd", "/dev/stderr": "/proc/self/fd/2",
	} {
		if got, err := os.Readlink(link); err != nil || got != want {
			fail("%s -> %q, %v; want %q", link, got, err, want)
		}
	}
	if fi, err := os.Stat("/dev/shm"); err != nil || !fi.IsDir() {
		fail("/dev/shm: %v", err)
	}
}

func checkMasks(fail func(string, ...any)) {
	entries, err := os.ReadDir("/sys/firmware")
	if err != nil || len(entries) != 0 {
		fail("masked /sys/firmware should be an empty dir: %d entries, %v", len(entries), err)
	}
	checkMaskedOnce(fail)
	if err := unix.Access("/proc/sys/kernel/hostname", unix.W_OK); !errors.Is(err, unix.EROFS) {
		fail("readonly /proc/sys: access(W_OK) = %v", err)
	}
}

// checkMaskedOnce: the duplicates in maskedPaths are masked once, and the masked directories
// share one tmpfs.
func checkMaskedOnce(fail func(string, ...any)) {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		fail("mountinfo: %v", err)
		return
	}
	count := map[string]int{}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) > 4 {
			count[f[4]]++
		}
	}
	for _, p := range []string{"/proc/keys", "/etc/masked", "/sys/firmware"} {
		if count[p] != 1 {
			fail("%s: %d mounts, want 1", p, count[p])
		}
	}
	var a, c unix.Stat_t
	if err := unix.Stat("/sys/firmware", &a); err != nil {
		fail("stat /sys/firmware: %v", err)
	}
	if err := unix.Stat("/etc/masked", &c); err != nil {
		fail("stat /etc/masked: %v", err)
	}
	if a.Dev != c.Dev {
		fail("masked directories on different filesystems: %#x and %#x", a.Dev, c.Dev)
	}
}

// checkReadonlyTmpfs: a "ro" tmpfs is read-only in the end, with the mount below it in place.
func checkReadonlyTmpfs(fail func(string, ...any)) {
	if err := unix.Access("/rotmp", unix.W_OK); !errors.Is(err, unix.EROFS) {
		fail("ro tmpfs /rotmp: access(W_OK) = %v", err)
	}
	if err := os.WriteFile("/rotmp/sub/f", nil, 0o644); err != nil {
		fail("rw tmpfs /rotmp/sub below it: %v", err)
	}
}

func checkUserNS() error {
	var errs []error
	var st unix.Stat_t
	if err := unix.Stat("/dev/null", &st); err != nil || st.Rdev != unix.Mkdev(1, 3) {
		errs = append(errs, fmt.Errorf("/dev/null bound from the host: rdev %#x, %v", st.Rdev, err))
	}
	f, err := os.OpenFile("/dev/null", os.O_WRONLY, 0)
	if err != nil {
		errs = append(errs, fmt.Errorf("open /dev/null: %w", err))
	} else {
		f.Close()
	}
	if err := unix.Access("/mnt/ro/hello", unix.W_OK); !errors.Is(err, unix.EROFS) {
		errs = append(errs, fmt.Errorf("ro bind in a user ns: access(W_OK) = %v", err))
	}
	return errors.Join(errs...)
}

// bundle is a rootfs and a spec under construction for one test.
type bundle struct {
	t       *testing.T
	rootfs  string
	spec    *specs.Spec
	noPivot bool
}

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root")
	}
}

func newBundle(t *testing.T) *bundle {
	t.Helper()
	dir, err := filepath.EvalSymlinks(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	rootfs := filepath.Join(dir, "rootfs")
	for _, d := range []string{"bin", "proc", "sys", "dev", "etc", "tmp", "mnt"} {
		mustMkdir(t, filepath.Join(rootfs, d))
	}
	copyBusybox(t, filepath.Join(rootfs, "bin", "busybox"))
	return &bundle{t: t, rootfs: rootfs, spec: &specs.Spec{
		Root:  &specs.Root{Path: rootfs},
		Linux: &specs.Linux{},
	}}
}

func copyBusybox(t *testing.T, dst string) {
	src, err := os.Open("/bin/busybox")
	if err != nil {
		t.Skipf("needs /bin/busybox (apt-get install -y busybox-static): %v", err)
	}
	defer src.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY, 0o755)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	if _, err := io.Copy(out, src); err != nil {
		t.Fatal(err)
	}
}

func mustMkdir(t *testing.T, p string) {
	t.Helper()
	if err := os.MkdirAll(p, 0o755); err != nil {
		t.Fatal(err)
	}
}

func mustWrite(t *testing.T, p, data string) {
	t.Helper()
	mustMkdir(t, filepath.Dir(p))
	if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func (b *bundle) mount(typ, source, dest string, opts ...string) {
	b.spec.Mounts = append(b.spec.Mounts, specs.Mount{Type: typ, Source: source, Destination: dest, Options: opts})
}

// standardMounts are the ones `runc spec` writes.
func (b *bundle) standardMounts() {
	b.mount("proc", "proc", "/proc")
	b.mount("tmpfs", "tmpfs", "/dev", "nosuid", "strictatime", "mode=755", "size=65536k")
	b.mount("devpts", "devpts", "/dev/pts", "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620")
	b.mount("tmpfs", "shm", "/dev/shm", "nosuid", "noexec", "nodev", "mode=1777", "size=65536k")
	b.mount("mqueue", "mqueue", "/dev/mqueue", "nosuid", "noexec", "nodev")
	b.mount("sysfs", "sysfs", "/sys", "nosuid", "noexec", "nodev", "ro")
}

// run executes the scenario in a child in new namespaces and returns its stderr.
func (b *bundle) run(scenario string, cloneflags uintptr, userns bool) (string, error) {
	b.t.Helper()
	cfg, err := json.Marshal(childConfig{Rootfs: b.rootfs, InUserNS: userns, NoPivot: b.noPivot, Spec: b.spec})
	if err != nil {
		b.t.Fatal(err)
	}
	cfgPath := filepath.Join(filepath.Dir(b.rootfs), "child.json")
	mustWrite(b.t, cfgPath, string(cfg))
	cmd := exec.Command("/proc/self/exe")
	cmd.Env = append(os.Environ(), envScenario+"="+scenario, envConfig+"="+cfgPath)
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWNS | unix.CLONE_NEWPID | cloneflags}
	if userns {
		cmd.SysProcAttr.UidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 65536}}
		cmd.SysProcAttr.GidMappings = []syscall.SysProcIDMap{{ContainerID: 0, HostID: 0, Size: 65536}}
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	err = cmd.Run()
	return stderr.String(), err
}

func TestPrepareEnterFinish(t *testing.T) {
	needRoot(t)
	b := newBundle(t)
	host := filepath.Join(filepath.Dir(b.rootfs), "host")
	mustWrite(t, filepath.Join(host, "hello"), "hello\n")
	hostFile := filepath.Join(filepath.Dir(b.rootfs), "hostfile")
	mustWrite(t, hostFile, "file\n")
	mustWrite(t, filepath.Join(b.rootfs, "tmpcopy", "seed"), "seed\n")
	// An image whose /data points at /etc: the mount must not reach the host's /etc.
	if err := os.Symlink("/etc", filepath.Join(b.rootfs, "data")); err != nil {
		t.Fatal(err)
	}
	hostLeak := "/etc/berth-symlink-test"
	if _, err := os.Lstat(hostLeak); err == nil {
		t.Fatalf("%s exists before the test", hostLeak)
	}
	t.Cleanup(func() { os.Remove(hostLeak) }) // only ever there if the test failed

	b.standardMounts()
	b.mount("cgroup", "cgroup", "/sys/fs/cgroup", "nosuid", "noexec", "nodev", "relatime", "ro")
	b.mount("bind", host, "/mnt/ro", "rbind", "ro")
	b.mount("none", host, "/mnt/rw", "bind")
	b.mount("", host, "/data/berth-symlink-test", "bind")
	b.mount("bind", hostFile, "/etc/hostfile", "bind", "ro", "nosuid")
	b.mount("tmpfs", "tmpfs", "/tmpcopy", "tmpcopyup", "mode=755")
	// A read-only tmpfs still gets the mount point of the mount below it.
	b.mount("tmpfs", "tmpfs", "/rotmp", "ro")
	b.mount("tmpfs", "tmpfs", "/rotmp/sub")
	mustMkdir(t, filepath.Join(b.rootfs, "etc", "masked"))
	mode := os.FileMode(0o600)
	uid, gid := uint32(1000), uint32(1001)
	b.spec.Linux.Devices = []specs.LinuxDevice{{Path: "/dev/fuse", Type: "c", Major: 10, Minor: 229,
		FileMode: &mode, UID: &uid, GID: &gid}}
	b.spec.Linux.MaskedPaths = []string{"/proc/keys", "/proc/does-not-exist", "/sys/firmware",
		"/etc/masked", "/proc/keys", "/etc/masked/"}
	b.spec.Linux.ReadonlyPaths = []string{"/proc/sys", "/proc/nope"}
	b.spec.Root.Readonly = true

	stderr, err := b.run("full", 0, false)
	if err != nil {
		t.Fatalf("child: %v\n%s", err, stderr)
	}
	if _, err := os.Lstat(hostLeak); err == nil {
		t.Errorf("mount destination /data/... escaped to the host's %s", hostLeak)
	}
	if _, err := os.Lstat(filepath.Join(b.rootfs, "etc", "berth-symlink-test")); err != nil {
		t.Errorf("mount target was not created inside the rootfs: %v", err)
	}
}

func TestUserNamespace(t *testing.T) {
	needRoot(t)
	b := newBundle(t)
	host := filepath.Join(filepath.Dir(b.rootfs), "host")
	mustWrite(t, filepath.Join(host, "hello"), "hello\n")
	b.standardMounts()
	b.mount("bind", host, "/mnt/ro", "bind", "ro")
	b.spec.Linux.MaskedPaths = []string{"/proc/keys"}
	stderr, err := b.run("userns", unix.CLONE_NEWUSER|unix.CLONE_NEWNET|unix.CLONE_NEWIPC, true)
	if err != nil {
		t.Fatalf("child: %v\n%s", err, stderr)
	}
}

// TestRefused runs hostile bundles; each must fail with an error naming the field.
func TestRefused(t *testing.T) {
	needRoot(t)
	tests := []struct {
		name    string
		setup   func(b *bundle)
		wantErr string
	}{
		{
			name: "bind over a file in /proc",
			setup: func(b *bundle) {
				b.mount("proc", "proc", "/proc")
				b.mount("bind", "/etc/hostname", "/proc/version", "bind")
			},
			wantErr: `mounts[1] (bind) destination "/proc/version": "/proc/version" is inside /proc`,
		},
		{
			name: "symlink into /proc",
			setup: func(b *bundle) {
				if err := os.Symlink("/proc/sys/kernel", filepath.Join(b.rootfs, "evil")); err != nil {
					b.t.Fatal(err)
				}
				b.mount("proc", "proc", "/proc")
				b.mount("bind", "/etc/hostname", "/evil/core_pattern", "bind")
			},
			wantErr: `mounts[1] (bind) destination "/evil/core_pattern": "/proc/sys/kernel/core_pattern" is inside /proc`,
		},
		{
			name: "/proc is a symlink in the rootfs",
			setup: func(b *bundle) {
				if err := os.Remove(filepath.Join(b.rootfs, "proc")); err != nil {
					b.t.Fatal(err)
				}
				if err := os.Symlink("/proc2", filepath.Join(b.rootfs, "proc")); err != nil {
					b.t.Fatal(err)
				}
				b.mount("proc", "proc", "/proc")
			},
			wantErr: `mounts[0] (proc) destination "/proc": /proc must be mounted on an ordinary directory, not a symlink in the rootfs`,
		},
		{
			name: "/sys is a file in the rootfs",
			setup: func(b *bundle) {
				if err := os.Remove(filepath.Join(b.rootfs, "sys")); err != nil {
					b.t.Fatal(err)
				}
				mustWrite(b.t, filepath.Join(b.rootfs, "sys"), "")
				b.mount("sysfs", "sysfs", "/sys")
			},
			wantErr: `mounts[0] (sysfs) destination "/sys": /sys must be mounted on an ordinary directory, not a file of type 0100000`,
		},
		{
			name:    "tmpfs on /proc",
			setup:   func(b *bundle) { b.mount("tmpfs", "tmpfs", "/proc") },
			wantErr: `mounts[0] (tmpfs) destination "/proc": "/proc" can only be a proc mount`,
		},
		{
			name: "/dev/null swapped for a symlink before masking",
			setup: func(b *bundle) {
				fakeDev := filepath.Join(filepath.Dir(b.rootfs), "fakedev")
				mustMkdir(b.t, fakeDev)
				if err := os.Symlink("/etc/passwd", filepath.Join(fakeDev, "null")); err != nil {
					b.t.Fatal(err)
				}
				mustWrite(b.t, filepath.Join(b.rootfs, "etc", "passwd"), "root:x:0:0::/:/bin/sh\n")
				b.mount("proc", "proc", "/proc")
				b.mount("bind", fakeDev, "/dev", "rbind")
				b.spec.Linux.MaskedPaths = []string{"/proc/keys"}
			},
			wantErr: `maskedPaths[0] "/proc/keys": /dev/null is not the null device`,
		},
		{
			name: "unknown device type",
			setup: func(b *bundle) {
				b.mount("tmpfs", "tmpfs", "/dev")
				b.spec.Linux.Devices = []specs.LinuxDevice{{Path: "/dev/x", Type: "z"}}
			},
			wantErr: `linux.devices[0] path "/dev/x": type "z"`,
		},
		{
			name:    "missing bind source",
			setup:   func(b *bundle) { b.mount("bind", "/nonexistent-berth", "/mnt/x", "bind") },
			wantErr: `mounts[0] (bind) destination "/mnt/x": bind source: stat /nonexistent-berth: no such file or directory`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newBundle(t)
			tt.setup(b)
			stderr, err := b.run("refused", 0, false)
			if err == nil {
				t.Fatalf("child succeeded, want error %q", tt.wantErr)
			}
			if !strings.Contains(stderr, tt.wantErr) {
				t.Errorf("error = %q, want it to contain %q", strings.TrimSpace(stderr), tt.wantErr)
			}
		})
	}
}

// TestRootfsPropagation checks that every linux.rootfsPropagation value (and --no-pivot) still
// lets the container enter its rootfs.
func TestRootfsPropagation(t *testing.T) {
	needRoot(t)
	for _, prop := range []string{"", "private", "rprivate", "slave", "rslave", "shared", "rshared",
		"unbindable", "runbindable"} {
		for _, noPivot := range []bool{false, true} {
			t.Run(fmt.Sprintf("%q/nopivot=%v", prop, noPivot), func(t *testing.T) {
				b := newBundle(t)
				b.noPivot = noPivot
				b.standardMounts()
				b.spec.Linux.RootfsPropagation = prop
				scenario := "plain"
				if strings.HasSuffix(prop, "shared") {
					scenario = "shared"
				}
				if stderr, err := b.run(scenario, 0, false); err != nil {
					t.Fatalf("child: %v\n%s", err, stderr)
				}
			})
		}
	}
}

// hasCgroupNS stands in for what the host tells init (protocol.InitConfig.InCgroupNS).
func hasCgroupNS(s *specs.Spec) bool {
	if s == nil || s.Linux == nil {
		return false
	}
	for _, ns := range s.Linux.Namespaces {
		if ns.Type == specs.CgroupNamespace {
			return true
		}
	}
	return false
}
