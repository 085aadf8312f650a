package rootfs

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/sys/unix"
)

// hostileRoot builds a rootfs whose links all try to leave it: resolved inside the root they
// land on its own /etc and /a.
func hostileRoot(t *testing.T) *root {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "rootfs")
	for _, d := range []string{"etc", "a"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "f"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	links := map[string]string{
		"abs":  "/etc",              // absolute: the root's /etc, not the host's
		"up":   "../../../../../..", // climbs to the root and no further
		"loop": "loop",
	}
	for name, target := range links {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	r, err := openRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// TestRootOpenStaysInside: open resolves every link inside the rootfs.
func TestRootOpenStaysInside(t *testing.T) {
	r := hostileRoot(t)
	tests := []struct {
		path    string
		want    string // the container path it resolves to
		wantErr error
	}{
		{"/abs", "/etc", nil},
		{"/up/etc", "/etc", nil},
		{"/up/up/a/../a", "/a", nil},
		{"abs/../a", "/a", nil},
		{"/missing", "", os.ErrNotExist},
		{"/up/missing", "", os.ErrNotExist},
		{"/loop", "", unix.ELOOP},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			f, err := r.open(tt.path)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("open = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if got, err := r.containerPath(f); err != nil || got != tt.want {
				t.Errorf("resolved to %q (%v), want %q", got, err, tt.want)
			}
		})
	}
}

// TestRootMkdirAllStaysInside: mkdirAll opens what exists and creates what is missing, both
// inside the rootfs, and refuses to descend through a file.
func TestRootMkdirAllStaysInside(t *testing.T) {
	r := hostileRoot(t)
	tests := []struct {
		path    string
		want    string
		wantErr error
	}{
		{"/a", "/a", nil},
		{"/abs", "/etc", nil},
		{"/up/new/dir", "/new/dir", nil},
		{"/abs/sub", "/etc/sub", nil},
		{"/f", "", unix.ENOTDIR},
		{"/f/sub", "", unix.ENOTDIR},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			f, err := r.mkdirAll(tt.path, 0o755)
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) {
					t.Fatalf("mkdirAll = %v, want %v", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			got, err := r.containerPath(f)
			if err != nil || got != tt.want {
				t.Fatalf("resolved to %q (%v), want %q", got, err, tt.want)
			}
			if st, err := os.Stat(filepath.Join(r.path, tt.want)); err != nil || !st.IsDir() {
				t.Errorf("%s in the rootfs: %v", tt.want, err)
			}
		})
	}
}
