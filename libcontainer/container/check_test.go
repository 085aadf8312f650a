package container

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/berth-runtime/berth/spec"
)

// bundleWith writes a bundle (an empty rootfs and the default config, changed by change).
func bundleWith(t *testing.T, change func(s *specs.Spec)) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "rootfs"), 0o755); err != nil {
		t.Fatal(err)
	}
	s := spec.Default()
	change(s)
	if err := spec.Write(dir, s); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestCheckBundle(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *specs.Spec)
		want   []Problem // each Message is a fragment
	}{
		{"default config", func(*specs.Spec) {}, nil},
		{"every error and warning, in order", func(s *specs.Spec) {
			s.Process.Cwd = "tmp"
			s.Process.Capabilities.Bounding = append(s.Process.Capabilities.Bounding, "CAP_FOO")
			s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: "SCMP_ACT_NOPE"}
			s.Linux.MaskedPaths = []string{"relative"}
		}, []Problem{
			{"error", `process.cwd "tmp"`},
			{"error", `linux.maskedPaths[0] "relative"`},
			{"warning", `"CAP_FOO": unknown capability`},
			{"error", `linux.seccomp.defaultAction "SCMP_ACT_NOPE"`},
		}},
		{"missing rootfs", func(s *specs.Spec) { s.Root.Path = "nope" }, []Problem{{"error", `root.path "nope"`}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := CheckBundle(&CheckOptions{Bundle: bundleWith(t, tt.change), ID: "check-test"})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("problems = %+v, want %d", got, len(tt.want))
			}
			for i, w := range tt.want {
				if got[i].Level != w.Level || !strings.Contains(got[i].Message, w.Message) {
					t.Errorf("problem %d = %+v, want %s with %q", i, got[i], w.Level, w.Message)
				}
			}
		})
	}
}

func TestCheckBundleUnreadable(t *testing.T) {
	got, err := CheckBundle(&CheckOptions{Bundle: t.TempDir(), ID: "check-test"})
	if err != nil || len(got) != 1 || got[0].Level != "error" || !strings.Contains(got[0].Message, "config.json") {
		t.Errorf("CheckBundle(no config.json) = %+v, %v; want one error naming config.json", got, err)
	}
}
