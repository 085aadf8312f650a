package spec

import (
	"encoding/json"
	"reflect"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// TestDocumentKeepsLinuxFields: a config decoded as a Document and encoded again has every
// field berth reads; only the other platforms' sections are left out.
func TestDocumentKeepsLinuxFields(t *testing.T) {
	uid := uint32(7)
	full := &specs.Spec{
		Version:     "1.3.0",
		Process:     &specs.Process{Args: []string{"sh"}, User: specs.User{UID: 1, Umask: &uid}, Terminal: true},
		Root:        &specs.Root{Path: "rootfs", Readonly: true},
		Hostname:    "h",
		Domainname:  "d",
		Mounts:      []specs.Mount{{Destination: "/proc", Type: "proc", Source: "proc"}},
		Hooks:       &specs.Hooks{Poststop: []specs.Hook{{Path: "/bin/true"}}},
		Annotations: map[string]string{"a": "b"},
		Linux:       &specs.Linux{CgroupsPath: "/x", Namespaces: []specs.LinuxNamespace{{Type: "pid"}}},
	}
	withOthers := *full
	withOthers.Windows = &specs.Windows{LayerFolders: []string{`C:\x`}}
	withOthers.VM = &specs.VM{Hypervisor: specs.VMHypervisor{Path: "/qemu"}}
	tests := []struct {
		name string
		in   *specs.Spec
	}{
		{"linux only", full},
		{"with other platforms", &withOthers},
		{"empty", &specs.Spec{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := json.Marshal(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			var d Document
			if err := json.Unmarshal(data, &d); err != nil {
				t.Fatal(err)
			}
			want := *tt.in
			want.Windows, want.VM = nil, nil
			if got := d.Spec(); !reflect.DeepEqual(got, &want) {
				t.Errorf("decoded %+v, want %+v", got, &want)
			}
			if got := DocumentOf(&want).Spec(); !reflect.DeepEqual(got, &want) {
				t.Errorf("DocumentOf round trip %+v, want %+v", got, &want)
			}
		})
	}
	if DocumentOf(nil) != nil || (*Document)(nil).Spec() != nil {
		t.Error("nil does not stay nil")
	}
}
