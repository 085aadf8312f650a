package criu

import (
	"path/filepath"
	"slices"

	specs "github.com/opencontainers/runtime-spec/specs-go"
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

// mountKey names a bind mount in the images: its destination, as runc names it, so that
// images of either runtime carry the same keys.
func mountKey(m specs.Mount) string { return filepath.Clean("/" + m.Destination) }

// DumpMounts returns the --external entries that mark the config's bind mounts as external at
// dump: mnt[DEST]:KEY.
func DumpMounts(s *specs.Spec) []string {
	var ext []string
	for _, m := range s.Mounts {
		if isBind(m) {
			ext = append(ext, "mnt["+mountKey(m)+"]:"+mountKey(m))
		}
	}
	return ext
}

// RestoreMounts returns the --external entries that give each external bind mount its host
// source at restore: mnt[KEY]:SOURCE, a relative source being relative to the bundle.
func RestoreMounts(s *specs.Spec, bundle string) []string {
	var ext []string
	for _, m := range s.Mounts {
		if !isBind(m) {
			continue
		}
		src := m.Source
		if !filepath.IsAbs(src) {
			src = filepath.Join(bundle, src)
		}
		ext = append(ext, "mnt["+mountKey(m)+"]:"+src)
	}
	return ext
}
