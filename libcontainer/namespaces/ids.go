package namespaces

import (
	"fmt"
	"sort"
	"strings"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

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

// timeOffsetsText renders linux.timeOffsets for /proc/self/timens_offsets, one clock a line in
// name order; "" when there are none.
func timeOffsetsText(offsets map[string]specs.LinuxTimeOffset) string {
	names := make([]string, 0, len(offsets))
	for name := range offsets {
		names = append(names, name)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, name := range names {
		fmt.Fprintf(&b, "%s %d %d\n", name, offsets[name].Secs, offsets[name].Nanosecs)
	}
	return b.String()
}
