package namespaces

import (
	"fmt"
	"sort"
	"strings"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// addMappings checks the id maps against the user namespace: a new one needs both, none needs
// none; a joined one has its own, and maps given with it (podman does) only describe it.
func (p *Plan) addMappings(uids, gids []specs.LinuxIDMapping) error {
	user := p.find(specs.UserNamespace)
	for _, m := range []struct {
		field string
		maps  []specs.LinuxIDMapping
	}{{"linux.uidMappings", uids}, {"linux.gidMappings", gids}} {
		switch {
		case user == nil && len(m.maps) > 0:
			return fmt.Errorf("%s: set, but linux.namespaces has no user namespace", m.field)
		case user != nil && user.path == "" && len(m.maps) == 0:
			return fmt.Errorf("%s: required for a new user namespace", m.field)
		}
		if err := checkMappings(m.field, m.maps); err != nil {
			return err
		}
	}
	p.uidMaps, p.gidMaps = toSysProcIDMaps(uids), toSysProcIDMaps(gids)
	return nil
}

// checkMappings rejects ranges the kernel would refuse with a bare EINVAL at clone time.
func checkMappings(field string, maps []specs.LinuxIDMapping) error {
	const limit = 1 << 32
	for i, m := range maps {
		switch {
		case m.Size == 0:
			return fmt.Errorf("%s[%d].size: must be at least 1", field, i)
		case uint64(m.ContainerID)+uint64(m.Size) > limit:
			return fmt.Errorf("%s[%d]: containerID %d + size %d passes 2^32", field, i, m.ContainerID, m.Size)
		case uint64(m.HostID)+uint64(m.Size) > limit:
			return fmt.Errorf("%s[%d]: hostID %d + size %d passes 2^32", field, i, m.HostID, m.Size)
		}
	}
	return nil
}

func toSysProcIDMaps(maps []specs.LinuxIDMapping) []syscall.SysProcIDMap {
	if len(maps) == 0 {
		return nil
	}
	out := make([]syscall.SysProcIDMap, len(maps))
	for i, m := range maps {
		out[i] = syscall.SysProcIDMap{ContainerID: int(m.ContainerID), HostID: int(m.HostID), Size: int(m.Size)}
	}
	return out
}

// clocks are the clocks a time namespace can shift (time_namespaces(7)).
var clocks = []string{"boottime", "monotonic"}

// addTimeOffsets checks linux.timeOffsets and renders them for /proc/self/timens_offsets.
// Offsets belong to a new time namespace: a joined one has its offsets fixed already.
func (p *Plan) addTimeOffsets(offsets map[string]specs.LinuxTimeOffset) error {
	if len(offsets) == 0 {
		return nil
	}
	timens := p.find(specs.TimeNamespace)
	if timens == nil {
		return fmt.Errorf("linux.timeOffsets: set, but linux.namespaces has no time namespace")
	}
	if timens.path != "" {
		return fmt.Errorf("linux.timeOffsets: must be empty when joining a time namespace (%s)", timens.field())
	}
	names := make([]string, 0, len(offsets))
	for name := range offsets {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		o := offsets[name]
		if !isClock(name) {
			return fmt.Errorf("linux.timeOffsets.%s: unknown clock (want %s)", name, strings.Join(clocks, " or "))
		}
		if o.Nanosecs >= 1e9 {
			return fmt.Errorf("linux.timeOffsets.%s.nanosecs: %d is not below 1000000000", name, o.Nanosecs)
		}
		fmt.Fprintf(&b, "%s %d %d\n", name, o.Secs, o.Nanosecs)
	}
	p.offsets = b.String()
	return nil
}

func isClock(name string) bool {
	for _, c := range clocks {
		if c == name {
			return true
		}
	}
	return false
}
