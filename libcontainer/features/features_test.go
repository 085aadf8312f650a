package features

import (
	"encoding/json"
	"slices"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/berth-runtime/berth/libcontainer/hooks"
	"github.com/berth-runtime/berth/libcontainer/process"
	"github.com/berth-runtime/berth/libcontainer/rootfs"
	"github.com/berth-runtime/berth/libcontainer/sched"
	"github.com/berth-runtime/berth/libcontainer/seccomp"
	"github.com/berth-runtime/berth/spec"
)

// TestListsComeFromTheCode: every list of the document is the table the code looks names up in.
func TestListsComeFromTheCode(t *testing.T) {
	f := Get("1.2.3", "abc")
	var nsTypes []string
	for _, ns := range spec.Namespaces {
		nsTypes = append(nsTypes, string(ns.Type))
	}
	tests := []struct {
		name      string
		got, want []string
	}{
		{"hooks", f.Hooks, hooks.Kinds},
		{"mountOptions", f.MountOptions, rootfs.KnownOptions()},
		{"linux.namespaces", f.Linux.Namespaces, nsTypes},
		{"linux.capabilities", f.Linux.Capabilities, process.KnownCapabilities()},
		{"linux.seccomp.actions", f.Linux.Seccomp.Actions, seccomp.KnownActions()},
		{"linux.seccomp.operators", f.Linux.Seccomp.Operators, seccomp.KnownOperators()},
		{"linux.seccomp.archs", f.Linux.Seccomp.Archs, seccomp.KnownArches()},
		{"linux.seccomp.knownFlags", f.Linux.Seccomp.KnownFlags, seccomp.KnownFlags()},
		{"linux.memoryPolicy.modes", f.Linux.MemoryPolicy.Modes, sched.KnownMemoryPolicyModes()},
		{"linux.memoryPolicy.flags", f.Linux.MemoryPolicy.Flags, sched.KnownMemoryPolicyFlags()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.got) == 0 || !slices.Equal(tt.got, tt.want) {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

// TestTablesAgree: tables kept apart for good reasons must still say the same thing.
func TestTablesAgree(t *testing.T) {
	t.Run("capabilities: what init sets and what validation knows", func(t *testing.T) {
		if got := process.KnownCapabilities(); !slices.Equal(got, spec.Capabilities) {
			t.Errorf("process.KnownCapabilities = %v\nspec.Capabilities = %v", got, spec.Capabilities)
		}
	})
	t.Run("mount options: what rootfs does is what validation accepts", func(t *testing.T) {
		for _, o := range rootfs.KnownOptions() {
			if _, ok := spec.MountOptions[o]; !ok {
				t.Errorf("rootfs knows %q, spec.MountOptions does not", o)
			}
		}
	})
	t.Run("supported seccomp flags are known ones", func(t *testing.T) {
		for _, fl := range seccomp.SupportedFlags() {
			if !slices.Contains(seccomp.KnownFlags(), fl) {
				t.Errorf("%q supported but not known", fl)
			}
		}
	})
	t.Run("idmap is claimed only if rootfs does it", func(t *testing.T) {
		f := Get("v", "")
		if *f.Linux.MountExtensions.IDMap.Enabled != slices.Contains(f.MountOptions, "idmap") {
			t.Error("mountExtensions.idmap.enabled disagrees with mountOptions")
		}
	})
}

func TestDocument(t *testing.T) {
	tests := []struct {
		name, version, commit string
		want                  map[string]string
	}{
		{"with commit", "1.2.3", "abc", map[string]string{AnnotationVersion: "1.2.3", AnnotationCommit: "abc", AnnotationLibseccomp: seccomp.Version()}},
		{"without commit", "dev", "", map[string]string{AnnotationVersion: "dev", AnnotationLibseccomp: seccomp.Version()}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := Get(tt.version, tt.commit)
			if f.OCIVersionMin != "1.0.0" || f.OCIVersionMax != specs.Version {
				t.Errorf("ociVersion %s..%s", f.OCIVersionMin, f.OCIVersionMax)
			}
			if len(f.Annotations) != len(tt.want) {
				t.Errorf("annotations = %v, want %v", f.Annotations, tt.want)
			}
			for k, v := range tt.want {
				if f.Annotations[k] != v {
					t.Errorf("annotations[%q] = %q, want %q", k, f.Annotations[k], v)
				}
			}
			if _, err := json.Marshal(f); err != nil {
				t.Fatal(err)
			}
		})
	}
}
