package cgroups

import (
	"maps"
	"testing"

	"github.com/opencontainers/cgroups"
	"github.com/opencontainers/cgroups/fs"
)

// TestRelativePaths: the paths worked out from one read of /proc/self/cgroup are the library's,
// for the relative cgroupsPath forms berth passes on (a version of the library that places
// cgroups differently, or in more hierarchies, fails here). It needs a v1 or hybrid host, where
// relativePaths is used; a pure v2 host has no v1 paths to compare.
func TestRelativePaths(t *testing.T) {
	if cgroups.IsCgroup2UnifiedMode() {
		t.Skip("pure cgroup v2 host: relativePaths is used on v1 and hybrid hosts only")
	}
	for _, rel := range []string{"c1", "berth/c1", "a/b/c"} {
		t.Run(rel, func(t *testing.T) {
			lib, err := fs.NewManager(&cgroups.Cgroup{Path: rel, Resources: &cgroups.Resources{}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := relativePaths(rel)
			if err != nil {
				t.Fatal(err)
			}
			if want := lib.GetPaths(); !maps.Equal(got, want) {
				t.Errorf("relativePaths(%q)\n got %v\nwant %v (the library's)", rel, got, want)
			}
		})
	}
}

// TestOwnPath: the hybrid unified hierarchy is taken at its mount point whatever berth's own v2
// cgroup, and a hierarchy berth is not in is not found (and skipped by relativePaths).
func TestOwnPath(t *testing.T) {
	own := map[string]string{"": "/x", "name=systemd": "/s"}
	if got, err := ownPath(own, ""); err != nil || got != hybridUnified {
		t.Errorf(`ownPath("") = %q, %v; want %q`, got, err, hybridUnified)
	}
	if _, err := ownPath(own, "rdma"); !cgroups.IsNotFound(err) {
		t.Errorf("ownPath(rdma) = %v, want not found", err)
	}
}
