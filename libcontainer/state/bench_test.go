package state

import (
	"path/filepath"
	"testing"

	"github.com/berth-runtime/berth/spec"
)

// BenchmarkSaveLoad: what every command pays for the state file, with the config of
// `berth spec` inside it (the state carries the whole config).
func BenchmarkSaveLoad(b *testing.B) {
	root := filepath.Join(b.TempDir(), "root")
	s := &State{ID: "c1", Pid: 1, Bundle: "/b", Rootfs: "/b/rootfs", Config: spec.Default()}
	d, err := Create(root, "c1", s)
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	b.ReportAllocs()
	for b.Loop() {
		if err := d.Save(s); err != nil {
			b.Fatal(err)
		}
		if _, err := d.Load(); err != nil {
			b.Fatal(err)
		}
	}
}
