package cgroups

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/opencontainers/cgroups"
)

// pathsOnly is a cgroups.Manager that knows only its paths.
type pathsOnly struct {
	cgroups.Manager
	paths map[string]string
}

func (p pathsOnly) GetPaths() map[string]string { return p.paths }
func (p pathsOnly) Path(ctrl string) string     { return p.paths[ctrl] }

func openFds(t *testing.T) int {
	t.Helper()
	entries, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

// TestOpenJoinFilesClosesOnError: a bad --cgroup for one hierarchy must not leave open what
// the others opened (the unified directory of a hybrid host, the tasks files), whatever order
// the hierarchies come in.
func TestOpenJoinFilesClosesOnError(t *testing.T) {
	if cgroups.IsCgroup2UnifiedMode() {
		t.Skip("the per-hierarchy files are opened on cgroup v1 and hybrid hosts only")
	}
	root := t.TempDir()
	paths := map[string]string{}
	for _, ctrl := range []string{"", "memory", "pids", "cpu"} {
		dir := filepath.Join(root, "h"+ctrl, "c1")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if ctrl != "" {
			if err := os.WriteFile(filepath.Join(dir, "tasks"), nil, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		paths[ctrl] = dir
	}
	m := &Manager{m: pathsOnly{paths: paths}}
	tests := []struct {
		name string
		sub  map[string]string
	}{
		{"sub-cgroup out of the container's", map[string]string{"pids": "../escape"}},
		{"sub-cgroup that does not exist", map[string]string{"cpu": "missing"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := openFds(t)
			// Map order varies: try often enough to fail in every order.
			for i := 0; i < 50; i++ {
				tasks, v2dir, err := m.OpenJoinFiles(tt.sub)
				if err == nil {
					t.Fatalf("OpenJoinFiles(%v) succeeded", tt.sub)
				}
				if tasks != nil || v2dir != nil {
					t.Fatalf("OpenJoinFiles(%v) returned files with its error", tt.sub)
				}
			}
			if after := openFds(t); after != before {
				t.Errorf("%d fd(s) left open after failures", after-before)
			}
		})
	}
	t.Run("success opens one file per hierarchy", func(t *testing.T) {
		tasks, v2dir, err := m.OpenJoinFiles(nil)
		if err != nil {
			t.Fatal(err)
		}
		defer closeFiles(tasks)
		defer v2dir.Close()
		if len(tasks) != 3 || v2dir == nil {
			t.Errorf("got %d tasks files and v2dir %v, want 3 and the unified directory", len(tasks), v2dir)
		}
	})
}
