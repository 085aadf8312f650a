package cgroups

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/opencontainers/cgroups"
)

// TestSavedRoundTrip: a Saved read from a state file and written again keeps its config, whether
// or not a command decoded it in between (pause, update and the create steps save the state
// again).
func TestSavedRoundTrip(t *testing.T) {
	orig := &Saved{
		Driver: DriverCgroupfs,
		cfg:    &cgroups.Cgroup{Path: "/berth/c1", Resources: &cgroups.Resources{CpuShares: 7}},
		Paths:  map[string]string{"pids": "/sys/fs/cgroup/pids/berth/c1"},
	}
	data, err := json.Marshal(orig)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		decode bool
	}{
		{"config never decoded", false},
		{"config decoded", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s Saved
			if err := json.Unmarshal(data, &s); err != nil {
				t.Fatal(err)
			}
			if s.cfg != nil {
				t.Fatal("config decoded with the state")
			}
			if tt.decode {
				if c, err := s.config(); err != nil || c == nil || c.Resources.CpuShares != 7 {
					t.Fatalf("config() = %+v, %v", c, err)
				}
			}
			again, err := json.Marshal(&s)
			if err != nil {
				t.Fatal(err)
			}
			var back Saved
			if err := json.Unmarshal(again, &back); err != nil {
				t.Fatal(err)
			}
			c, err := back.config()
			if err != nil || c == nil || c.Path != "/berth/c1" || c.Resources.CpuShares != 7 {
				t.Fatalf("after a second save: config %+v, %v; state %s", c, err, again)
			}
			if back.Driver != DriverCgroupfs || back.Paths["pids"] != orig.Paths["pids"] {
				t.Errorf("after a second save: %+v", back)
			}
		})
	}
}

// TestSavedWithoutConfig: a state without a recorded config (null, as a create that died early
// leaves it) loads no manager, with the error Load always gave.
func TestSavedWithoutConfig(t *testing.T) {
	var s Saved
	if err := json.Unmarshal([]byte(`{"driver":"cgroupfs","config":null,"paths":{}}`), &s); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(&s); err != errNoneRecorded {
		t.Errorf("Load = %v, want %v", err, errNoneRecorded)
	}
	if _, err := Load(nil); err != errNoneRecorded {
		t.Errorf("Load(nil) = %v, want %v", err, errNoneRecorded)
	}
}

// TestSavedPaused reads fake freezer files the way the library's managers read the real ones.
func TestSavedPaused(t *testing.T) {
	cgroups.TestMode = true // let the library read files that are not on cgroupfs
	t.Cleanup(func() { cgroups.TestMode = false })
	write := func(t *testing.T, dir string, files map[string]string) {
		for name, content := range files {
			if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	tests := []struct {
		name  string
		ctrl  string // the Paths key: "freezer" on v1, "" on v2
		files map[string]string
		want  bool
	}{
		{"v1 frozen by itself", "freezer", map[string]string{"freezer.state": "FROZEN\n", "freezer.self_freezing": "1\n"}, true},
		{"v1 thawed", "freezer", map[string]string{"freezer.state": "THAWED\n"}, false},
		{"v1 frozen through a parent", "freezer", map[string]string{"freezer.state": "FROZEN\n", "freezer.self_freezing": "0\n"}, false},
		{"v2 frozen", "", map[string]string{"cgroup.freeze": "1\n", "cgroup.events": "populated 1\nfrozen 1\n"}, true},
		{"v2 thawed", "", map[string]string{"cgroup.freeze": "0\n", "cgroup.events": "populated 1\nfrozen 0\n"}, false},
		{"no freezer file", "freezer", nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, dir, tt.files)
			s := &Saved{Paths: map[string]string{tt.ctrl: dir, "pids": t.TempDir()}}
			if got := s.Paused(); got != tt.want {
				t.Errorf("Paused() = %v, want %v", got, tt.want)
			}
		})
	}
	if (*Saved)(nil).Paused() {
		t.Error("a container without a cgroup reads as paused")
	}
}

// TestSavedRemoveEmpty: an empty cgroupfs cgroup goes from its saved paths alone; what needs the
// manager (the systemd driver's unit, a cgroup that will not go) is left to it, untouched.
func TestSavedRemoveEmpty(t *testing.T) {
	tests := []struct {
		name     string
		driver   string
		busy     bool // a file in one directory: rmdir fails, as with processes left in a cgroup
		want     bool
		wantGone bool
	}{
		{"cgroupfs, empty", DriverCgroupfs, false, true, true},
		{"cgroupfs, not empty", DriverCgroupfs, true, false, false},
		{"systemd", DriverSystemd, false, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			paths := map[string]string{"pids": filepath.Join(root, "pids/c1"), "memory": filepath.Join(root, "memory/c1")}
			for _, p := range paths {
				if err := os.MkdirAll(p, 0o755); err != nil {
					t.Fatal(err)
				}
			}
			if tt.busy {
				if err := os.WriteFile(filepath.Join(paths["memory"], "tasks"), []byte("1\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			s := &Saved{Driver: tt.driver, Paths: paths}
			if got := s.RemoveEmpty(); got != tt.want {
				t.Fatalf("RemoveEmpty = %v, want %v", got, tt.want)
			}
			if len(s.Paths) != 2 {
				t.Errorf("the saved paths changed: %v", s.Paths)
			}
			_, err := os.Stat(paths["pids"])
			if gone := os.IsNotExist(err); gone != tt.wantGone && !(tt.busy && gone) {
				t.Errorf("pids directory gone = %v, want %v", gone, tt.wantGone)
			}
			if _, err := os.Stat(paths["memory"]); os.IsNotExist(err) == (tt.driver == DriverSystemd || tt.busy) {
				t.Errorf("memory directory: %v", err)
			}
		})
	}
}
