package idmap

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

func needRoot(t *testing.T) {
	t.Helper()
	if os.Geteuid() != 0 {
		t.Skip("needs root: idmapped mounts and user namespaces with arbitrary mappings")
	}
}

// TestMount checks the owners a file shows through an idmapped clone of its directory: disk
// id C+n shows as H+n inside the mapping, the overflow id outside it.
func TestMount(t *testing.T) {
	needRoot(t)
	dir := t.TempDir()
	owners := map[string]int{"root": 0, "u1000": 1000, "u100005": 100005}
	for name, id := range owners {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, nil, 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(p, id, id); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		name string
		maps []specs.LinuxIDMapping
		want map[string]uint32
	}{
		{"root to 1000", []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 1}},
			map[string]uint32{"root": 1000, "u1000": 65534, "u100005": 65534}},
		{"a range", []specs.LinuxIDMapping{{ContainerID: 100000, HostID: 0, Size: 65536}},
			map[string]uint32{"root": 65534, "u1000": 65534, "u100005": 5}},
		{"two ranges", []specs.LinuxIDMapping{{ContainerID: 0, HostID: 5000, Size: 1}, {ContainerID: 1000, HostID: 0, Size: 1}},
			map[string]uint32{"root": 5000, "u1000": 0, "u100005": 65534}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			ns, err := UserNS(tt.maps, tt.maps)
			if err != nil {
				t.Fatal(err)
			}
			defer ns.Close()
			mnt := cloneTree(t, dir)
			defer mnt.Close()
			if err := Apply(mnt, false, ns); err != nil {
				t.Fatal(err)
			}
			for name, want := range tt.want {
				var st unix.Stat_t
				if err := unix.Fstatat(int(mnt.Fd()), name, &st, 0); err != nil {
					t.Fatal(err)
				}
				if st.Uid != want || st.Gid != want {
					t.Errorf("%s (disk %d) shows %d:%d, want %d:%d", name, owners[name], st.Uid, st.Gid, want, want)
				}
			}
		})
	}
}

// TestUserNSLeavesNoProcess: the namespace outlives its holder, which is reaped.
func TestUserNSLeavesNoProcess(t *testing.T) {
	needRoot(t)
	maps := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 100000, Size: 65536}}
	ns, err := UserNS(maps, maps)
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	own, _ := os.Readlink("/proc/self/ns/user")
	theirs, _ := os.Readlink(filepath.Join("/proc/self/fd", strconv.Itoa(int(ns.Fd()))))
	if theirs == "" || theirs == own {
		t.Fatalf("user namespace fd is %q, own namespace %q", theirs, own)
	}
	tasks, _ := filepath.Glob("/proc/self/task/*/children")
	for _, task := range tasks {
		if kids, _ := os.ReadFile(task); len(kids) != 0 {
			t.Errorf("%s: children left: %q", task, kids)
		}
	}
}

func TestApplyRefused(t *testing.T) {
	needRoot(t)
	maps := []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 1}}
	ns, err := UserNS(maps, maps)
	if err != nil {
		t.Fatal(err)
	}
	defer ns.Close()
	proc := cloneTree(t, "/proc")
	defer proc.Close()
	if err := Apply(proc, false, ns); err == nil || !strings.Contains(err.Error(), "may not support idmapped mounts") {
		t.Errorf("Apply on /proc (no idmap support): %v", err)
	}
	// Not a detached mount: the directory itself, attached in this mount namespace.
	dir, err := os.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer dir.Close()
	if err := Apply(dir, false, ns); err == nil {
		t.Error("Apply on an attached mount succeeded")
	}
}

func cloneTree(t *testing.T, path string) *os.File {
	t.Helper()
	fd, err := unix.OpenTree(unix.AT_FDCWD, path, unix.OPEN_TREE_CLONE|unix.OPEN_TREE_CLOEXEC)
	if err != nil {
		t.Fatalf("open_tree %s: %v", path, err)
	}
	return os.NewFile(uintptr(fd), path)
}
