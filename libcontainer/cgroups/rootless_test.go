package cgroups

import (
	"errors"
	"strings"
	"testing"

	"github.com/opencontainers/cgroups"
	"github.com/opencontainers/cgroups/manager"
	"golang.org/x/sys/unix"
)

func TestExplainRootless(t *testing.T) {
	tests := []struct {
		name     string
		rootless bool
		err      string
		want     string // "" for nil
	}{
		{"memory", true, "cannot set memory limit: container could not join or create cgroup", "linux.resources.memory: cannot be applied: berth runs rootless"},
		{"cpuset", true, "cannot set cpuset limit: container could not join or create cgroup", "linux.resources.cpu: "},
		{"blkio", true, "cannot set blkio limit: container could not join or create cgroup", "linux.resources.blockIO: "},
		{"unknown controller", true, "cannot set misc limit: container could not join or create cgroup", "linux.resources: cannot be applied"},
		{"not rootless", false, "cannot set memory limit: container could not join or create cgroup", ""},
		{"another error", true, "write memory.limit_in_bytes: invalid argument", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := explainRootless(errors.New(tt.err), &cgroups.Cgroup{Rootless: tt.rootless})
			switch {
			case tt.want == "" && got != nil:
				t.Errorf("explainRootless = %v, want nil", got)
			case tt.want != "" && (got == nil || !strings.HasPrefix(got.Error(), tt.want)):
				t.Errorf("explainRootless = %v, want it to start with %q", got, tt.want)
			}
		})
	}
}

// TestRootlessSkipped: a rootless container keeps only the hierarchies that exist, and one with
// none refuses what needs a cgroup with ErrNoCgroup.
func TestRootlessSkipped(t *testing.T) {
	if cgroups.IsCgroup2UnifiedMode() {
		t.Skip("the v1 library manager is built here from plain directories")
	}
	made := t.TempDir()
	tests := []struct {
		name      string
		rootless  bool
		paths     map[string]string
		wantPaths int
		skipped   bool
	}{
		{"rootless, nothing made", true, map[string]string{"memory": made + "/no", "name=systemd": made + "/none"}, 0, true},
		{"rootless, one made", true, map[string]string{"memory": made, "pids": made + "/no"}, 1, false},
		{"root keeps every path", false, map[string]string{"memory": made + "/no"}, 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := &cgroups.Cgroup{Rootless: tt.rootless, Resources: &cgroups.Resources{}}
			lm, err := manager.NewWithPaths(cfg, tt.paths)
			if err != nil {
				t.Fatal(err)
			}
			m := &Manager{m: lm, config: cfg, driver: DriverCgroupfs}
			if err := m.forgetMissing(); err != nil {
				t.Fatal(err)
			}
			if got := len(m.m.GetPaths()); got != tt.wantPaths {
				t.Errorf("paths after forgetMissing = %v, want %d of them", m.m.GetPaths(), tt.wantPaths)
			}
			if m.Skipped() != tt.skipped {
				t.Errorf("Skipped = %v, want %v", m.Skipped(), tt.skipped)
			}
			if !tt.skipped {
				return
			}
			for name, err := range map[string]error{"Freeze": m.Freeze(), "Thaw": m.Thaw(), "Signal": m.Signal(unix.SIGKILL)} {
				if !errors.Is(err, ErrNoCgroup) {
					t.Errorf("%s = %v, want ErrNoCgroup", name, err)
				}
			}
			if _, err := m.Pids(); !errors.Is(err, ErrNoCgroup) {
				t.Errorf("Pids = %v, want ErrNoCgroup", err)
			}
		})
	}
}
