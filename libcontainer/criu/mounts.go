package criu

import (
	"path/filepath"
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// bindOptions are the mount options that make a bind mount.
var bindOptions = []string{"bind", "rbind"}

// isBind says whether a config.json mount binds something of the host into the container: criu
// cannot dump those (their source is outside the container) and must be told they are external.
func isBind(m specs.Mount) bool {
	if m.Type == "bind" {
		return true
	}
	for _, o := range m.Options {
		if slices.Contains(bindOptions, o) {
			return true
		}
	}
	return false
}

// cgroupIsBind says whether config.json's "cgroup" mounts are, in the container, a bind of its
// own cgroup directory from the host: on a cgroup v2 host without a cgroup namespace (see
// rootfs.cgroup2Mount). Such a bind is a slave of the host's /sys/fs/cgroup, which criu cannot
// reach ("has unreachable sharing"): it must be external too, and restore binds the new
// cgroup's directory there.
func cgroupIsBind(s *specs.Spec) bool {
	if !unifiedHost() {
		return false
	}
	if s.Linux != nil {
		for _, ns := range s.Linux.Namespaces {
			if ns.Type == specs.CgroupNamespace {
				return false
			}
		}
	}
	return true
}

// unifiedHost: /sys/fs/cgroup is cgroup2 alone. A variable for tests.
var unifiedHost = func() bool {
	var st unix.Statfs_t
	return unix.Statfs("/sys/fs/cgroup", &st) == nil && st.Type == unix.CGROUP2_SUPER_MAGIC
}

// isExternal says whether criu must be told that m comes from outside the container.
func isExternal(s *specs.Spec, m specs.Mount) bool {
	return isBind(m) || (m.Type == "cgroup" || m.Type == "cgroup2") && cgroupIsBind(s)
}

// mountKey names a bind mount in the images: its destination, as runc names it, so that
// images of either runtime carry the same keys.
func mountKey(m specs.Mount) string { return filepath.Clean("/" + m.Destination) }

// DumpMounts returns the --external entries that mark the config's bind mounts as external at
// dump: mnt[DEST]:KEY.
func DumpMounts(s *specs.Spec) []string {
	var ext []string
	for _, m := range s.Mounts {
		if isExternal(s, m) {
			ext = append(ext, "mnt["+mountKey(m)+"]:"+mountKey(m))
		}
	}
	return ext
}

// RestoreMounts returns the --external entries that give each external bind mount its host
// source at restore: mnt[KEY]:SOURCE, a relative source being relative to the bundle, and
// cgroupDir (the container's cgroup v2 directory on the host) for a cgroup mount that is a bind.
func RestoreMounts(s *specs.Spec, bundle, cgroupDir string) []string {
	var ext []string
	for _, m := range s.Mounts {
		if !isExternal(s, m) {
			continue
		}
		src := m.Source
		if !isBind(m) {
			src = cgroupDir
		} else if !filepath.IsAbs(src) {
			src = filepath.Join(bundle, src)
		}
		ext = append(ext, "mnt["+mountKey(m)+"]:"+src)
	}
	return ext
}
