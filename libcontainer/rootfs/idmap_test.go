package rootfs

import (
	"os"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestIDMapFor(t *testing.T) {
	maps := []specs.LinuxIDMapping{{HostID: 1000, Size: 1}}
	var asked []int
	c := &Config{IDMap: func(i int, _ *os.File) error { asked = append(asked, i); return nil }}
	for _, tt := range []struct {
		name   string
		m      specs.Mount
		mapped bool
	}{
		{"plain bind", specs.Mount{Type: "none", Options: []string{"rbind"}}, false},
		{"idmap", specs.Mount{Type: "none", Options: []string{"rbind", "idmap"}}, true},
		{"ridmap", specs.Mount{Type: "bind", Options: []string{"ridmap"}}, true},
		{"mappings alone", specs.Mount{Type: "none", Options: []string{"bind"}, UIDMappings: maps, GIDMappings: maps}, true},
		{"tmpfs", specs.Mount{Type: "tmpfs", Options: []string{"nosuid"}}, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			asked = nil
			f := c.idmapFor(3, tt.m)
			if (f != nil) != tt.mapped {
				t.Fatalf("idmapFor = %v, want idmapped %v", f != nil, tt.mapped)
			}
			if f == nil {
				return
			}
			if err := f(nil); err != nil || len(asked) != 1 || asked[0] != 3 {
				t.Errorf("the host was asked for %v (err %v), want mounts[3]", asked, err)
			}
		})
	}
	// Not a bind mount (validation refuses it): never sent to the host.
	tmpfs := specs.Mount{Type: "tmpfs", Options: []string{"idmap"}}
	if err := c.idmapFor(0, tmpfs)(nil); err == nil {
		t.Error("an idmapped tmpfs was sent to the host")
	}
}
