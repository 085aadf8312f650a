package rootfs

import (
	"errors"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// idmapFor returns how mounts[i] gets its id mappings, or nil when it is not idmapped (neither
// mappings nor the idmap/ridmap option). Only bind mounts can be; validation refuses the rest.
// The clone is init's own (bindMount), so that it keeps the source's mount flags locked (see
// package idmap); only the mappings come from the host.
func (c *Config) idmapFor(i int, m specs.Mount) func(*os.File) error {
	opts, _ := ParseOptions(m.Options)
	if !opts.IDMap && len(m.UIDMappings) == 0 && len(m.GIDMappings) == 0 {
		return nil
	}
	return func(mnt *os.File) error {
		if c.IDMap == nil || !isBind(m, opts) {
			return errors.New("idmapped mounts are only made for bind mounts of a container being created")
		}
		return c.IDMap(i, mnt)
	}
}
