package cgroups

import (
	"os"
	"path/filepath"
	"testing"
)

func TestIsFrozen(t *testing.T) {
	tests := []struct {
		file, content string
		want          bool
	}{
		{freezerStateV1, "FROZEN\n", true},
		{freezerStateV1, "FREEZING\n", true},
		{freezerStateV1, "THAWED\n", false},
		{freezeFileV2, "1\n", true},
		{freezeFileV2, "0\n", false},
		{freezeFileV2, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.file+"="+tt.content, func(t *testing.T) {
			if got := isFrozen(tt.file, tt.content); got != tt.want {
				t.Errorf("isFrozen(%q, %q) = %v, want %v", tt.file, tt.content, got, tt.want)
			}
		})
	}
}

func TestFrozenCgroup(t *testing.T) {
	// Each case builds a hierarchy below a temporary root: files maps a directory (relative to
	// the root, "." for the root itself, which has no freezer file) to its freezer file's content.
	tests := []struct {
		name  string
		file  string
		files map[string]string
		dir   string // the container's cgroup, relative to the root
		want  string // the cgroup reported frozen, relative to the root; "" for none
	}{
		{"v1 thawed", freezerStateV1, map[string]string{"x": "THAWED", "x/y": "THAWED"}, "x/y", ""},
		{"v1 frozen", freezerStateV1, map[string]string{"x": "THAWED", "x/y": "FROZEN"}, "x/y", "x/y"},
		{"v1 not there yet, parent frozen", freezerStateV1, map[string]string{"x": "FROZEN"}, "x/y/z", "x"},
		{"v1 child reports its parent's state", freezerStateV1, map[string]string{"x": "FROZEN", "x/y": "FROZEN"}, "x/y", "x/y"},
		{"v1 nothing exists", freezerStateV1, map[string]string{}, "x/y", ""},
		{"v2 not frozen", freezeFileV2, map[string]string{"x": "0", "x/y": "0"}, "x/y", ""},
		{"v2 frozen", freezeFileV2, map[string]string{"x": "0", "x/y": "1"}, "x/y", "x/y"},
		{"v2 parent frozen", freezeFileV2, map[string]string{"x": "1", "x/y": "0"}, "x/y", "x"},
		{"v2 not there yet, parent frozen", freezeFileV2, map[string]string{"x": "1"}, "x/y", "x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			for dir, content := range tt.files {
				d := filepath.Join(root, dir)
				if err := os.MkdirAll(d, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(filepath.Join(d, tt.file), []byte(content+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			got, err := frozenCgroup(filepath.Join(root, tt.dir), tt.file)
			if err != nil {
				t.Fatal(err)
			}
			want := ""
			if tt.want != "" {
				want = filepath.Join(root, tt.want)
			}
			if got != want {
				t.Errorf("frozenCgroup(%s) = %q, want %q", tt.dir, got, want)
			}
		})
	}
}
