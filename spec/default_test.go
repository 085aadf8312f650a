package spec

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

const runcPath = "/usr/sbin/runc"

// runcSpec runs `runc spec [args]` in a temp dir and returns its config.json decoded as plain
// JSON values, without ociVersion (runc writes its own).
func runcSpec(t *testing.T, args ...string) map[string]any {
	t.Helper()
	if _, err := os.Stat(runcPath); err != nil {
		t.Skip("runc not installed")
	}
	dir := t.TempDir()
	cmd := exec.Command(runcPath, append([]string{"spec"}, args...)...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("runc spec: %v: %s", err, out)
	}
	return readPlain(t, filepath.Join(dir, ConfigName))
}

func readPlain(t *testing.T, file string) map[string]any {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	delete(v, "ociVersion")
	return v
}

func plain(t *testing.T, s *specs.Spec) map[string]any {
	t.Helper()
	dir := t.TempDir()
	if err := Write(dir, s); err != nil {
		t.Fatal(err)
	}
	return readPlain(t, filepath.Join(dir, ConfigName))
}

func TestDefaultMatchesRunc(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		rootless bool
	}{
		{"spec", nil, false},
		{"spec --rootless", []string{"--rootless"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := runcSpec(t, tt.args...)
			s := Default()
			if tt.rootless {
				ToRootless(s)
			}
			if got := plain(t, s); !reflect.DeepEqual(got, want) {
				g, _ := json.MarshalIndent(got, "", " ")
				w, _ := json.MarshalIndent(want, "", " ")
				t.Errorf("berth:\n%s\nrunc:\n%s", g, w)
			}
		})
	}
}

func TestDefaultVersionAndValidity(t *testing.T) {
	s := Default()
	if s.Version != specs.Version {
		t.Errorf("ociVersion = %q, want %q", s.Version, specs.Version)
	}
	for _, rootless := range []bool{false, true} {
		s := Default()
		if rootless {
			ToRootless(s)
		}
		if err := Validate(s, bundleWithRootfs(t)); err != nil {
			t.Errorf("rootless=%v: default spec does not validate: %v", rootless, err)
		}
		if w := Warnings(s); len(w) != 0 {
			t.Errorf("rootless=%v: default spec has warnings: %v", rootless, w)
		}
	}
}

func TestDefaultIsFreshEachCall(t *testing.T) {
	a, b := Default(), Default()
	a.Process.Capabilities.Bounding[0] = "CAP_SYS_ADMIN"
	a.Mounts[0].Destination = "/x"
	if b.Process.Capabilities.Bounding[0] != "CAP_AUDIT_WRITE" || b.Mounts[0].Destination != "/proc" {
		t.Error("Default shares state between calls")
	}
	if a.Process.Capabilities.Effective[0] != "CAP_AUDIT_WRITE" {
		t.Error("capability sets share a backing array")
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	if err := Write(dir, Default()); err != nil {
		t.Fatal(err)
	}
	got, err := Load(dir)
	if err != nil {
		t.Fatalf("Load after Write: %v", err)
	}
	if !reflect.DeepEqual(got, Default()) {
		t.Error("Load(Write(Default())) differs from Default()")
	}
	err = Write(dir, Default())
	if !errors.Is(err, fs.ErrExist) {
		t.Errorf("second Write: got %v, want an error wrapping fs.ErrExist", err)
	}
}
