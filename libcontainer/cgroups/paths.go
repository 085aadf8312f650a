package cgroups

import (
	"fmt"
	"path/filepath"

	"github.com/opencontainers/cgroups"
)

// v1Subsystems are the hierarchies the library's cgroupfs manager places a cgroup in on a v1 or
// hybrid host, in its order (fs.subsystems, which it does not export). TestRelativePaths
// compares the paths with the library's own on the test host.
var v1Subsystems = []string{
	"cpuset", "devices", "memory", "cpu", "cpuacct", "pids", "blkio", "hugetlb", "net_cls",
	"net_prio", "perf_event", "freezer", "rdma", "name=systemd", "misc",
}

// hybridUnified is where a hybrid host mounts cgroup v2; the library puts a relative cgroup
// there below the root, whatever berth's own v2 cgroup is.
const hybridUnified = "/sys/fs/cgroup/unified"

// relativePaths places the relative cgroup path rel below berth's own cgroup in each hierarchy
// of a v1 or hybrid host, where the library's cgroupfs manager would, but from one read of
// /proc/self/cgroup: the library reads it once per hierarchy, 16 times per create here (~0.7
// ms). Hierarchies that are not mounted are left out, the devices one excepted: a container
// without a device allow-list is refused, as the library refuses it.
func relativePaths(rel string) (map[string]string, error) {
	own, err := cgroups.ParseCgroupFile("/proc/self/cgroup")
	if err != nil {
		return nil, err
	}
	names := v1Subsystems
	if cgroups.IsCgroup2HybridMode() {
		names = append(names[:len(names):len(names)], "")
	}
	paths := make(map[string]string, len(names))
	for _, name := range names {
		dir, err := ownPath(own, name)
		if cgroups.IsNotFound(err) && name != "devices" {
			continue
		}
		if err != nil {
			return nil, err
		}
		paths[name] = filepath.Join(dir, rel)
	}
	return paths, nil
}

// ownPath is the directory of berth's own cgroup in the hierarchy of subsystem, from own (the
// parsed /proc/self/cgroup), seen through where that hierarchy is mounted.
func ownPath(own map[string]string, subsystem string) (string, error) {
	cg, ok := own[subsystem]
	if !ok {
		cg, ok = own["name="+subsystem]
	}
	if !ok {
		return "", cgroups.NewNotFoundError(subsystem)
	}
	if subsystem == "" {
		return hybridUnified, nil
	}
	mnt, root, err := cgroups.FindCgroupMountpointAndRoot("", subsystem)
	if err != nil {
		return "", err
	}
	// A hierarchy mounted from below its root (berth in a container without a cgroup
	// namespace) shows berth's cgroup relative to that root.
	rel, err := filepath.Rel(root, cg)
	if err != nil {
		return "", fmt.Errorf("cgroup %s of %s is not below its mount's root %s: %w", cg, subsystem, root, err)
	}
	return filepath.Join(mnt, rel), nil
}
