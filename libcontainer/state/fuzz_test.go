package state

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad: whatever a state file holds (truncated, garbage, another version's fields), Load
// returns a state or an error naming the file; never a panic.
func FuzzLoad(f *testing.F) {
	f.Add([]byte(`{"id":"c1","pid":42,"startTime":7,"bundle":"/b","rootfs":"/b/rootfs","created":"2026-12-07T00:00:00Z"}`))
	f.Add([]byte(`{"id":"c1","pid":`))
	f.Add([]byte{0, 1, 2})
	f.Add([]byte(`{"config":{"ociVersion":"1.3.0","linux":{"namespaces":[{"type":"pid"}]}},"cgroup":{"driver":"cgroupfs"}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, stateFile), data, 0o600); err != nil {
			t.Fatal(err)
		}
		d := &Dir{Path: dir}
		s, err := d.Load()
		if err == nil && s == nil {
			t.Fatal("Load returned neither a state nor an error")
		}
		if err == nil {
			d.Status(s) // must not panic on any loaded state
		}
	})
}
