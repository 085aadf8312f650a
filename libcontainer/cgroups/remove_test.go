package cgroups

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/opencontainers/cgroups"

	"github.com/berth-runtime/berth/libcontainer/internal/testutil"
)

// testCgroup makes a cgroup of its own below this process's in the hierarchy of controller (the
// only one on cgroup v2), with the sub-cgroups subs, removed when the test ends.
func testCgroup(t *testing.T, controller string, subs ...string) string {
	t.Helper()
	testutil.RequireRoot(t)
	if cgroups.IsCgroup2UnifiedMode() {
		controller = ""
	}
	own, err := cgroups.ParseCgroupFile("/proc/self/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	mnt, root := "/sys/fs/cgroup", "/"
	if controller != "" {
		if mnt, root, err = cgroups.FindCgroupMountpointAndRoot("", controller); err != nil {
			t.Skipf("no %s hierarchy: %v", controller, err)
		}
	}
	rel, err := filepath.Rel(root, own[controller])
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(mnt, rel, "berth-test-remove-"+strconv.Itoa(os.Getpid()))
	for _, d := range append([]string{dir}, subs...) {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil && d == dir {
			t.Skipf("cannot make a cgroup here: %v", err)
		}
	}
	t.Cleanup(func() { _ = cgroups.RemovePath(dir) })
	return dir
}

// TestRemoveNow: an empty cgroup goes at once with its sub-cgroups; one that holds a process is
// reported busy at once and left as it is (the library's removal would retry for a second).
func TestRemoveNow(t *testing.T) {
	tests := []struct {
		name     string
		subs     []string
		procIn   string // the sub-cgroup the process is put in, "." for the cgroup itself; "" none
		wantBusy bool
	}{
		{"empty", nil, "", false},
		{"empty, with sub-cgroups", []string{"a", "a/b", "c"}, "", false},
		{"a process in it", nil, ".", true},
		{"a process in a sub-cgroup", []string{"a", "c"}, "c", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := testCgroup(t, "pids", tt.subs...)
			if tt.procIn != "" {
				cmd := exec.Command("sleep", "30")
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
				procs := filepath.Join(dir, tt.procIn, "cgroup.procs")
				if err := os.WriteFile(procs, []byte(strconv.Itoa(cmd.Process.Pid)), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			busy, err := removeNow(map[string]string{"pids": dir, "other": filepath.Join(dir, "not-there")})
			if err != nil {
				t.Fatal(err)
			}
			if busy != tt.wantBusy {
				t.Errorf("busy = %v, want %v", busy, tt.wantBusy)
			}
			_, err = os.Stat(dir)
			if gone := os.IsNotExist(err); gone == tt.wantBusy {
				t.Errorf("cgroup gone = %v, want %v", gone, !tt.wantBusy)
			}
		})
	}
}
