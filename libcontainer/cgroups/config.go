package cgroups

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/opencontainers/cgroups"
	"github.com/opencontainers/cgroups/systemd"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Defaults of the systemd driver when linux.cgroupsPath is empty: the container becomes the
// unit berth-<id>.scope under system.slice.
const (
	defaultSlice       = "system.slice"
	defaultScopePrefix = "berth"
)

// Config returns the library's cgroup config for container id: where its cgroup lives
// (linux.cgroupsPath read for driver, DriverCgroupfs or DriverSystemd; "" means cgroupfs) and
// its resources (linux.resources, see Resources).
func Config(s *specs.Spec, id string, driver string) (*cgroups.Cgroup, error) {
	var linux specs.Linux
	if s != nil && s.Linux != nil {
		linux = *s.Linux
	}
	res, err := Resources(linux.Resources)
	if err != nil {
		return nil, err
	}
	var cg *cgroups.Cgroup
	switch driver {
	case DriverCgroupfs, "":
		cg, err = cgroupfsPlace(linux.CgroupsPath, id)
	case DriverSystemd:
		cg, err = systemdPlace(linux.CgroupsPath, id)
	default:
		return nil, fmt.Errorf("cgroup driver %q: want %s or %s", driver, DriverCgroupfs, DriverSystemd)
	}
	if err != nil {
		return nil, err
	}
	cg.Resources = res
	return cg, nil
}

// cgroupfsPlace reads linux.cgroupsPath for the cgroupfs driver.
//
// An absolute path is taken below each hierarchy's root. A relative path is kept relative: the
// library then places it below the cgroup berth itself runs in, per hierarchy on v1 (below the
// parent of berth's cgroup on v2). That is what runc 1.1.5 does; on this hybrid host, where the
// caller sits in /process_api/<x> of the memory hierarchy and in / of the others,
// `runc run -d` with cgroupsPath "relobs/rel1" showed memory:/process_api/<x>/relobs/rel1 and
// /relobs/rel1 in every other hierarchy (the unified one included); "/berthobs/abs1" showed
// /berthobs/abs1 everywhere, memory included. An empty cgroupsPath behaves as the relative
// path "<id>" (runc showed memory:/process_api/<x>/obs1 and /obs1 elsewhere), and so does
// berth's default.
func cgroupfsPlace(path, id string) (*cgroups.Cgroup, error) {
	if path == "" {
		path = id
	}
	if strings.ContainsRune(path, 0) {
		return nil, fmt.Errorf("linux.cgroupsPath %q: contains a NUL byte", path)
	}
	// The library cleans the path again (and keeps "/../x" inside the hierarchy); cleaning here
	// too makes the saved config show where the cgroup really is.
	if filepath.IsAbs(path) {
		return &cgroups.Cgroup{Path: filepath.Clean(path)}, nil
	}
	rel := cleanRelative(path)
	if rel == "" {
		return nil, fmt.Errorf("linux.cgroupsPath %q: names no cgroup below berth's own", path)
	}
	return &cgroups.Cgroup{Path: rel}, nil
}

// cleanRelative cleans a relative path without letting ".." climb above its start.
func cleanRelative(path string) string {
	rel, _ := filepath.Rel("/", filepath.Clean("/"+path))
	if rel == "." {
		return ""
	}
	return rel
}

// systemdPlace reads linux.cgroupsPath for the systemd driver: "slice:prefix:name" makes the
// unit prefix-name.scope in slice (or the slice name itself when name ends in ".slice"); an
// empty slice means system.slice.
func systemdPlace(path, id string) (*cgroups.Cgroup, error) {
	if path == "" {
		return &cgroups.Cgroup{Systemd: true, Parent: defaultSlice, ScopePrefix: defaultScopePrefix, Name: id}, nil
	}
	parts := strings.Split(path, ":")
	if len(parts) != 3 {
		return nil, fmt.Errorf("linux.cgroupsPath %q: the systemd cgroup driver wants slice:prefix:name "+
			"(e.g. system.slice:berth:%s)", path, id)
	}
	slice, prefix, name := parts[0], parts[1], parts[2]
	if slice == "" {
		slice = defaultSlice
	}
	if _, err := systemd.ExpandSlice(slice); err != nil {
		return nil, fmt.Errorf("linux.cgroupsPath %q: slice %q: want a systemd slice name like system.slice or "+
			"machine-app.slice", path, slice)
	}
	if err := checkUnitPart(name); err != nil {
		return nil, fmt.Errorf("linux.cgroupsPath %q: name %q: %w", path, name, err)
	}
	if prefix == "" && !strings.HasSuffix(name, ".slice") {
		return nil, fmt.Errorf("linux.cgroupsPath %q: empty prefix: the scope would be named -%s.scope", path, name)
	}
	if err := checkUnitPart(prefix); prefix != "" && err != nil {
		return nil, fmt.Errorf("linux.cgroupsPath %q: prefix %q: %w", path, prefix, err)
	}
	return &cgroups.Cgroup{Systemd: true, Parent: slice, ScopePrefix: prefix, Name: name}, nil
}

// checkUnitPart checks a piece of a systemd unit name: the characters systemd allows in unit
// names (systemd.unit(5)), which also keeps the cgroup path free of "/".
func checkUnitPart(s string) error {
	if s == "" {
		return errors.New("is empty")
	}
	for _, c := range s {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.ContainsRune(":-_.\\@", c)
		if !ok {
			return fmt.Errorf("%q is not allowed in a systemd unit name", c)
		}
	}
	return nil
}
