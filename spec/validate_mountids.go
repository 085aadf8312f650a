package spec

import (
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// checkMountIDOptions refuses uid=N and gid=N mount options (tmpfs, devpts) naming an id that
// the container's new user namespace does not map: the kernel takes them only as ids of the
// namespace that mounts, and answers EINVAL otherwise. It is what trips a rootless config that
// keeps `berth spec`'s devpts gid=5 under a single mapping (`spec --rootless` drops it).
func checkMountIDOptions(c *config) error {
	ns, i := c.namespace(specs.UserNamespace)
	l := c.linux()
	if i < 0 || ns.Path != "" || len(l.UIDMappings) == 0 || len(l.GIDMappings) == 0 {
		return nil
	}
	for mi, m := range c.Mounts {
		if IsBindMount(m) {
			continue
		}
		for oi, o := range m.Options {
			if err := checkMountIDOption(index(index("mounts", mi)+".options", oi), o, l); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkMountIDOption(p, o string, l *specs.Linux) error {
	key, value, _ := strings.Cut(o, "=")
	maps, field := l.UIDMappings, "linux.uidMappings"
	switch key {
	case "uid":
	case "gid":
		maps, field = l.GIDMappings, "linux.gidMappings"
	default:
		return nil
	}
	id, err := strconv.ParseUint(value, 10, 32)
	if err != nil {
		return nil // not an id: the kernel's to refuse
	}
	if !mapsContainerID(maps, uint32(id)) {
		return valueError(p, o, "%s %d is not mapped by %s, so the user namespace cannot use it; map it or drop the option", key, id, field)
	}
	return nil
}

func mapsContainerID(maps []specs.LinuxIDMapping, id uint32) bool {
	for _, m := range maps {
		if id >= m.ContainerID && uint64(id) < uint64(m.ContainerID)+uint64(m.Size) {
			return true
		}
	}
	return false
}
