package criu

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/checkpoint-restore/go-criu/v7/rpc"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

func TestCgroupsMode(t *testing.T) {
	for _, tc := range []struct {
		in      string
		want    *rpc.CriuCgMode
		wantErr bool
	}{
		{"", nil, false},
		{"soft", rpc.CriuCgMode_SOFT.Enum(), false},
		{"full", rpc.CriuCgMode_FULL.Enum(), false},
		{"strict", rpc.CriuCgMode_STRICT.Enum(), false},
		{"ignore", rpc.CriuCgMode_IGNORE.Enum(), false},
		{"props", nil, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := CgroupsMode(tc.in)
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if (got == nil) != (tc.want == nil) || got != nil && *got != *tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestEmptyNsMask(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      []string
		want    uint32
		wantErr bool
	}{
		{"none", nil, 0, false},
		{"network", []string{"network"}, unix.CLONE_NEWNET, false},
		{"two", []string{"network", "ipc"}, unix.CLONE_NEWNET | unix.CLONE_NEWIPC, false},
		{"unknown", []string{"net"}, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := EmptyNsMask(tc.in)
			if (err != nil) != tc.wantErr || got != tc.want {
				t.Fatalf("got %#x, %v; want %#x, error %v", got, err, tc.want, tc.wantErr)
			}
		})
	}
}

func TestPageServer(t *testing.T) {
	for _, tc := range []struct {
		in       string
		addr     string
		port     int32
		wantFail bool
	}{
		{"10.0.0.1:27", "10.0.0.1", 27, false},
		{"[::1]:8000", "[::1]", 8000, false},
		{"host", "", 0, true},
		{":27", "", 0, true},
		{"host:0", "", 0, true},
		{"host:x", "", 0, true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			ps, err := pageServer(tc.in)
			if tc.wantFail {
				if err == nil {
					t.Fatalf("got %v, want an error", ps)
				}
				return
			}
			if err != nil || ps.GetAddress() != tc.addr || ps.GetPort() != tc.port {
				t.Fatalf("got %v, %v; want %s:%d", ps, err, tc.addr, tc.port)
			}
		})
	}
}

func TestExternalMounts(t *testing.T) {
	saved := unifiedHost
	defer func() { unifiedHost = saved }()
	unifiedHost = func() bool { return false }
	s := &specs.Spec{Mounts: []specs.Mount{
		{Destination: "/sys/fs/cgroup", Type: "cgroup", Source: "cgroup"},
		{Destination: "/proc", Type: "proc", Source: "proc"},
		{Destination: "/data/", Type: "bind", Source: "/srv/data"},
		{Destination: "/cfg", Type: "none", Source: "cfg", Options: []string{"rbind", "ro"}},
		{Destination: "/tmp", Type: "tmpfs", Source: "tmpfs"},
	}}
	if got, want := DumpMounts(s), []string{"mnt[/data]:/data", "mnt[/cfg]:/cfg"}; !slices.Equal(got, want) {
		t.Errorf("DumpMounts = %q, want %q", got, want)
	}
	if got, want := RestoreMounts(s, "/b", "/sys/fs/cgroup/c1"), []string{"mnt[/data]:/srv/data", "mnt[/cfg]:/b/cfg"}; !slices.Equal(got, want) {
		t.Errorf("RestoreMounts = %q, want %q", got, want)
	}
	// On a v2 host without a cgroup namespace the cgroup mount is a bind of the container's
	// cgroup directory: external as well.
	unifiedHost = func() bool { return true }
	if got, want := DumpMounts(s), []string{"mnt[/sys/fs/cgroup]:/sys/fs/cgroup", "mnt[/data]:/data", "mnt[/cfg]:/cfg"}; !slices.Equal(got, want) {
		t.Errorf("v2 DumpMounts = %q, want %q", got, want)
	}
	if got, want := RestoreMounts(s, "/b", "/sys/fs/cgroup/c1")[0], "mnt[/sys/fs/cgroup]:/sys/fs/cgroup/c1"; got != want {
		t.Errorf("v2 RestoreMounts[0] = %q, want %q", got, want)
	}
	s.Linux = &specs.Linux{Namespaces: []specs.LinuxNamespace{{Type: specs.CgroupNamespace}}}
	if got := DumpMounts(s); len(got) != 2 {
		t.Errorf("v2 with a cgroup namespace: DumpMounts = %q, want the binds only", got)
	}
}

func TestLogErrors(t *testing.T) {
	for _, tc := range []struct {
		name, log, want string
	}{
		{"errors", "(00.01) info\n(00.02) Error (a.c:1): one\n(00.03) Error (b.c:2): two\n(00.04) bye\n",
			"Error (a.c:1): one; Error (b.c:2): two"},
		{"last three", "Error (1)\nError (2)\nError (3)\nError (4)\n", "Error (2); Error (3); Error (4)"},
		{"restored task's", "(02.14)      1: Error (m.c:891): mnt-v2: failed\n(02.16) Error (r.c:2537): Restoring FAILED.\n",
			"Error (m.c:891): mnt-v2: failed; Error (r.c:2537): Restoring FAILED."},
		{"no error: last line", "(00.01) started\n(00.02) stopped\n\n", "stopped"},
		{"empty", "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "dump.log")
			if err := os.WriteFile(path, []byte(tc.log), 0o600); err != nil {
				t.Fatal(err)
			}
			if got := logErrors(path, 3); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
}

func TestStdioRoundTrip(t *testing.T) {
	dir := t.TempDir()
	in := []StdioFd{{Fd: 0, Path: "/dev/null", Key: "file[1c:5]", External: true}, {Fd: 1, Path: "pipe:[9]", Key: "pipe:[9]"}}
	if err := saveStdio(dir, in); err != nil {
		t.Fatal(err)
	}
	out, err := loadStdio(dir)
	if err != nil || !slices.Equal(in, out) {
		t.Fatalf("got %v, %v; want %v", out, err, in)
	}
	if got, want := externalFiles(out), []string{"file[1c:5]"}; !slices.Equal(got, want) {
		t.Fatalf("externalFiles = %q, want %q", got, want)
	}
}

// TestInspectStdio looks at this test's own fds: a pipe on fd 1 must be recorded by its
// pipe:[N] name, for restore to hand over.
func TestInspectStdio(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	saved, err := unix.Dup(1)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { unix.Dup2(saved, 1); unix.Close(saved) }()
	if err := unix.Dup2(int(w.Fd()), 1); err != nil {
		t.Fatal(err)
	}
	fds, err := inspectStdio(os.Getpid())
	unix.Dup2(saved, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fds {
		if f.Fd == 1 {
			if f.Key != f.Path || f.External || f.Path[:5] != "pipe:" {
				t.Fatalf("fd 1 = %+v, want a pipe keyed by its name", f)
			}
			return
		}
	}
	t.Fatalf("fd 1 not in %+v", fds)
}
