package namespaces

import (
	"os"
	"strings"
	"sync"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// InUserNS reports whether berth runs in a user namespace other than the initial one: its
// uid_map is not the identity over all ids ("0 0 4294967295").
var InUserNS = sync.OnceValue(func() bool {
	data, err := os.ReadFile("/proc/self/uid_map")
	if err != nil {
		return false // no user namespaces in this kernel: the initial one
	}
	return !isInitialUIDMap(string(data))
})

func isInitialUIDMap(data string) bool {
	f := strings.Fields(data)
	return len(f) == 3 && f[0] == "0" && f[1] == "0" && f[2] == "4294967295"
}

// MapsOwnIDsOnly reports whether an unprivileged user (euid, egid) may write the mappings
// itself: the kernel takes, from the user namespace's creator, one mapping of size 1 of its own
// euid (uid_map) and egid (gid_map, once setgroups is denied). Anything more (subordinate ids
// from /etc/subuid and /etc/subgid, several lines) is written by the setuid helpers newuidmap
// and newgidmap.
func MapsOwnIDsOnly(uids, gids []specs.LinuxIDMapping, euid, egid int) bool {
	own := func(maps []specs.LinuxIDMapping, id int) bool {
		return len(maps) == 1 && maps[0].Size == 1 && int64(maps[0].HostID) == int64(id)
	}
	return own(uids, euid) && own(gids, egid)
}
