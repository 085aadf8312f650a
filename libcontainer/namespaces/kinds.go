package namespaces

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// kind is one namespace type as the three parties name it: the spec, the kernel (clone flag,
// NS_GET_NSTYPE) and nsenter (the /proc/PID/ns name used in _BERTH_NS_FDS).
type kind struct {
	typ  specs.LinuxNamespaceType
	flag uintptr
	name string
}

// kinds lists every namespace type berth knows, in the order `berth features` shows them.
var kinds = [...]kind{
	{specs.CgroupNamespace, unix.CLONE_NEWCGROUP, "cgroup"},
	{specs.IPCNamespace, unix.CLONE_NEWIPC, "ipc"},
	{specs.MountNamespace, unix.CLONE_NEWNS, "mnt"},
	{specs.NetworkNamespace, unix.CLONE_NEWNET, "net"},
	{specs.PIDNamespace, unix.CLONE_NEWPID, "pid"},
	{specs.TimeNamespace, unix.CLONE_NEWTIME, "time"},
	{specs.UserNamespace, unix.CLONE_NEWUSER, "user"},
	{specs.UTSNamespace, unix.CLONE_NEWUTS, "uts"},
}

// KnownTypes returns the namespace types berth supports, for `berth features`.
func KnownTypes() []specs.LinuxNamespaceType {
	types := make([]specs.LinuxNamespaceType, len(kinds))
	for i, k := range kinds {
		types[i] = k.typ
	}
	return types
}

func kindOfType(t specs.LinuxNamespaceType) (kind, bool) {
	for _, k := range kinds {
		if k.typ == t {
			return k, true
		}
	}
	return kind{}, false
}

// kindName names a clone flag as /proc/PID/ns does, for error messages.
func kindName(flag uintptr) string {
	for _, k := range kinds {
		if k.flag == flag {
			return k.name
		}
	}
	return "unknown"
}
