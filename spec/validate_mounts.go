package spec

import (
	"path"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// checkMounts requires of each mount a destination other than the root, a source for bind
// mounts, a type for the others and no empty option. Relative destinations are allowed (the
// runtime-spec deprecates them but says they are relative to "/"); checkRelativeDestinations
// warns about them.
func checkMounts(c *config) error {
	for i, m := range c.Mounts {
		if err := checkMount(index("mounts", i), m); err != nil {
			return err
		}
	}
	return nil
}

func checkMount(p string, m specs.Mount) error {
	if m.Destination == "" {
		return fieldError(p+".destination", "missing; want an absolute path inside the container")
	}
	if path.Clean("/"+m.Destination) == "/" {
		return valueError(p+".destination", m.Destination, "cannot mount over the container's root; set root.path instead")
	}
	bind := IsBindMount(m)
	if bind && m.Source == "" {
		return fieldError(p+".source", "missing; a bind mount needs the host path to bind")
	}
	if !bind && m.Type == "" {
		return fieldError(p+".type", `missing; want a filesystem type such as "tmpfs", or the option "bind"`)
	}
	for j, o := range m.Options {
		if o == "" {
			return fieldError(index(p+".options", j), "empty option")
		}
	}
	return nil
}

// checkMountIDMaps enforces the runtime-spec's rules for idmapped mounts: only bind mounts can
// be idmapped, mappings come in pairs and in ranges the kernel takes, and idmap/ridmap without
// mappings borrow the container's user namespace, so one must exist.
func checkMountIDMaps(c *config) error {
	_, userns := c.namespace(specs.UserNamespace)
	for i, m := range c.Mounts {
		p := index("mounts", i)
		if err := checkMountIDMapPairs(p, m); err != nil {
			return err
		}
		hasMaps := len(m.UIDMappings) > 0
		if mapped, _ := IDMapping(m); mapped && !IsBindMount(m) {
			if hasMaps {
				return fieldError(p+".uidMappings", `only a bind mount can be idmapped; add "bind" or "rbind" to %s.options`, p)
			}
			j := idmapOption(m)
			return valueError(index(p+".options", j), m.Options[j], `only a bind mount can be idmapped; add "bind" or "rbind"`)
		}
		if j := idmapOption(m); j >= 0 && !hasMaps && userns < 0 {
			return valueError(index(p+".options", j), m.Options[j], "needs %s.uidMappings and gidMappings, or a user namespace", p)
		}
	}
	return nil
}

// checkMountIDMapPairs requires both uidMappings and gidMappings or neither, each valid.
func checkMountIDMapPairs(p string, m specs.Mount) error {
	hasUID, hasGID := len(m.UIDMappings) > 0, len(m.GIDMappings) > 0
	if hasUID != hasGID {
		missing := p + ".gidMappings"
		if !hasUID {
			missing = p + ".uidMappings"
		}
		return fieldError(missing, "missing; an idmapped mount needs both uidMappings and gidMappings")
	}
	for _, f := range []struct {
		path string
		maps []specs.LinuxIDMapping
	}{{p + ".uidMappings", m.UIDMappings}, {p + ".gidMappings", m.GIDMappings}} {
		if err := checkIDMappings(f.path, f.maps); err != nil {
			return err
		}
		if err := checkIDMapRanges(f.path, f.maps); err != nil {
			return err
		}
	}
	return nil
}

// maxIDMapRanges is the kernel's limit on the lines of a uid_map or gid_map.
const maxIDMapRanges = 340

// checkIDMapRanges refuses what the kernel refuses with a bare EINVAL when it writes a map: too
// many ranges, or two ranges that overlap on either side.
func checkIDMapRanges(path string, maps []specs.LinuxIDMapping) error {
	if len(maps) > maxIDMapRanges {
		return fieldError(path, "%d ranges; the kernel takes at most %d", len(maps), maxIDMapRanges)
	}
	overlaps := func(a, b, size1, size2 uint32) bool {
		return uint64(a) < uint64(b)+uint64(size2) && uint64(b) < uint64(a)+uint64(size1)
	}
	for i, m := range maps {
		for j := range i {
			o := maps[j]
			if overlaps(m.ContainerID, o.ContainerID, m.Size, o.Size) {
				return fieldError(index(path, i), "containerID range overlaps %s", index(path, j))
			}
			if overlaps(m.HostID, o.HostID, m.Size, o.Size) {
				return fieldError(index(path, i), "hostID range overlaps %s", index(path, j))
			}
		}
	}
	return nil
}

// idmapOption is the index of the first idmap or ridmap option of m, or -1.
func idmapOption(m specs.Mount) int {
	for j, o := range m.Options {
		if MountOptions[o].Kind == MountIDMap {
			return j
		}
	}
	return -1
}

// checkRelativeDestinations is a warning: relative destinations work but are deprecated.
func checkRelativeDestinations(c *config) error {
	for i, m := range c.Mounts {
		if m.Destination != "" && !filepath.IsAbs(m.Destination) {
			return valueError(index("mounts", i)+".destination", m.Destination,
				"relative destinations are deprecated; it is taken as %s", path.Clean("/"+m.Destination))
		}
	}
	return nil
}

// checkBindMountOptions is a warning: options that are not in MountOptions go to mount(2)'s data
// argument, which a bind mount ignores, so they are most likely misspellings.
func checkBindMountOptions(c *config) error {
	for i, m := range c.Mounts {
		if !IsBindMount(m) {
			continue
		}
		for j, o := range m.Options {
			if _, known := MountOptions[o]; !known && o != "" {
				return valueError(index(index("mounts", i)+".options", j), o, "unknown option, ignored by a bind mount")
			}
		}
	}
	return nil
}

// checkDevices requires a known type, an absolute path and, except for fifos, a device number;
// each path at most once, and /dev/null the null device.
func checkDevices(c *config) error {
	first := map[string]int{}
	for i, d := range c.linux().Devices {
		p := index("linux.devices", i)
		if err := checkDevicePath(c, p, d, first); err != nil {
			return err
		}
		first[path.Clean(d.Path)] = i
		switch d.Type {
		case "c", "b", "u":
			if d.Major < 0 || d.Minor < 0 {
				return fieldError(p, "negative device number %d:%d", d.Major, d.Minor)
			}
			// 0:0 is no device; it is what an omitted major and minor decode to.
			if d.Major == 0 && d.Minor == 0 {
				return fieldError(p, "type %q needs major and minor", d.Type)
			}
		case "p":
		default:
			return valueError(p+".type", d.Type, "unknown device type; want c, b, u or p")
		}
		if !filepath.IsAbs(d.Path) {
			return valueError(p+".path", d.Path, "must be an absolute path inside the container")
		}
	}
	return nil
}

// checkDevicePath refuses a second node at the same path (its mknod would fail with EEXIST) and,
// when there are paths to mask, a /dev/null that is not the null device: berth masks with
// /dev/null and refuses anything else there, an error that would name maskedPaths, not the
// device at fault.
func checkDevicePath(c *config, p string, d specs.LinuxDevice, first map[string]int) error {
	clean := path.Clean(d.Path)
	if j, dup := first[clean]; dup {
		return valueError(p+".path", d.Path, "duplicate of %s", index("linux.devices", j))
	}
	isNull := (d.Type == "c" || d.Type == "u") && d.Major == 1 && d.Minor == 3
	if clean == "/dev/null" && !isNull && len(c.linux().MaskedPaths) > 0 {
		return valueError(p+".path", d.Path, "must be the null device (type c, major 1, minor 3): "+
			"linux.maskedPaths are masked with it")
	}
	return nil
}
