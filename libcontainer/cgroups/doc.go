// Package cgroups places a container in its cgroups and applies linux.resources, on cgroup v1
// (and hybrid) hosts, pure cgroup v2 hosts, and through systemd, on top of
// github.com/opencontainers/cgroups.
package cgroups

import (
	_ "github.com/opencontainers/cgroups/devices"
	_ "github.com/opencontainers/cgroups/manager"
)
