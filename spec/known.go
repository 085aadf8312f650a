package spec

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// The tables in this file are the single source of the names berth understands: Validate checks
// configs against them, and `berth features` is meant to be generated from them so that what
// berth claims and what it accepts cannot drift apart.

// Namespace is one namespace type as the three parties name it: the runtime-spec
// (linux.namespaces[].type), the kernel (the clone flag, which NS_GET_NSTYPE also returns) and
// /proc (the name under /proc/PID/ns, which nsenter's _BERTH_NS_FDS uses too). The C side keeps
// its own copy (ns_kinds in libcontainer/nsenter/parse.c); a test there checks it against this.
type Namespace struct {
	Type specs.LinuxNamespaceType
	Flag uintptr
	Proc string
}

// Namespaces are the linux.namespaces[].type values berth supports, sorted by type as
// `berth features` lists them.
var Namespaces = []Namespace{
	{specs.CgroupNamespace, unix.CLONE_NEWCGROUP, "cgroup"},
	{specs.IPCNamespace, unix.CLONE_NEWIPC, "ipc"},
	{specs.MountNamespace, unix.CLONE_NEWNS, "mnt"},
	{specs.NetworkNamespace, unix.CLONE_NEWNET, "net"},
	{specs.PIDNamespace, unix.CLONE_NEWPID, "pid"},
	{specs.TimeNamespace, unix.CLONE_NEWTIME, "time"},
	{specs.UserNamespace, unix.CLONE_NEWUSER, "user"},
	{specs.UTSNamespace, unix.CLONE_NEWUTS, "uts"},
}

// NamespaceOf returns the entry of Namespaces for type t.
func NamespaceOf(t specs.LinuxNamespaceType) (Namespace, bool) {
	for _, ns := range Namespaces {
		if ns.Type == t {
			return ns, true
		}
	}
	return Namespace{}, false
}

// NamespaceOfFlag returns the entry of Namespaces whose clone flag is flag.
func NamespaceOfFlag(flag uintptr) (Namespace, bool) {
	for _, ns := range Namespaces {
		if ns.Flag == flag {
			return ns, true
		}
	}
	return Namespace{}, false
}

// Capabilities are the capability names of capabilities(7); the index of a name is its number.
var Capabilities = []string{
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",
	"CAP_NET_RAW",
	"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",
	"CAP_SYS_MODULE",
	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",
	"CAP_SYS_ADMIN",
	"CAP_SYS_BOOT",
	"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",
	"CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",
	"CAP_LEASE",
	"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",
	"CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",
	"CAP_SYSLOG",
	"CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",
	"CAP_AUDIT_READ",
	"CAP_PERFMON",
	"CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
}

// Rlimits maps the process.rlimits[].type names of getrlimit(2) to their resource numbers.
var Rlimits = map[string]int{
	"RLIMIT_AS":         unix.RLIMIT_AS,
	"RLIMIT_CORE":       unix.RLIMIT_CORE,
	"RLIMIT_CPU":        unix.RLIMIT_CPU,
	"RLIMIT_DATA":       unix.RLIMIT_DATA,
	"RLIMIT_FSIZE":      unix.RLIMIT_FSIZE,
	"RLIMIT_LOCKS":      unix.RLIMIT_LOCKS,
	"RLIMIT_MEMLOCK":    unix.RLIMIT_MEMLOCK,
	"RLIMIT_MSGQUEUE":   unix.RLIMIT_MSGQUEUE,
	"RLIMIT_NICE":       unix.RLIMIT_NICE,
	"RLIMIT_NOFILE":     unix.RLIMIT_NOFILE,
	"RLIMIT_NPROC":      unix.RLIMIT_NPROC,
	"RLIMIT_RSS":        unix.RLIMIT_RSS,
	"RLIMIT_RTPRIO":     unix.RLIMIT_RTPRIO,
	"RLIMIT_RTTIME":     unix.RLIMIT_RTTIME,
	"RLIMIT_SIGPENDING": unix.RLIMIT_SIGPENDING,
	"RLIMIT_STACK":      unix.RLIMIT_STACK,
}

// RootfsPropagations are the linux.rootfsPropagation values berth accepts: the four of the
// runtime-spec plus their recursive forms, which runc accepts too ("" keeps the default).
var RootfsPropagations = []string{
	"shared", "slave", "private", "unbindable",
	"rshared", "rslave", "rprivate", "runbindable",
}

// TimeOffsetClocks are the clocks a time namespace can offset (linux.timeOffsets keys).
var TimeOffsetClocks = []string{"monotonic", "boottime"}

// MountOptionKind says how a mount option is applied.
type MountOptionKind int

const (
	// MountFlag is a MOUNT(2) flag, set or cleared.
	MountFlag MountOptionKind = iota
	// MountBind makes the mount a bind mount (bind, rbind).
	MountBind
	// MountPropagation changes the propagation type after the mount (private, rshared, ...).
	MountPropagation
	// MountRecursiveAttr is a mount_setattr(2) attribute applied with AT_RECURSIVE (rro, rnosuid, ...).
	MountRecursiveAttr
	// MountIDMap asks for an idmapped mount (idmap, ridmap); it is never passed to mount(2).
	MountIDMap
	// MountRuntime is handled by the runtime itself (tmpcopyup).
	MountRuntime
)

// MountOption describes one option string of the runtime-spec's Linux mount options table.
type MountOption struct {
	Kind MountOptionKind
	// Flag holds the MS_* bits for MountFlag, MountBind and MountPropagation.
	Flag uintptr
	// Attr holds the MOUNT_ATTR_* bits for MountRecursiveAttr. It may be 0 (MOUNT_ATTR_RELATIME).
	Attr uint64
	// Clear means the option removes Flag or Attr rather than setting it (rw, nosuid's opposite suid, ...).
	Clear bool
	// Atime marks Attr as one of the mutually exclusive atime modes: MOUNT_ATTR__ATIME must be
	// cleared before it is set.
	Atime bool
	// Recursive is true for rbind, the r* propagation types, ridmap and all MountRecursiveAttr.
	Recursive bool
}

// MountOptions is every option string of runtime-spec 1.3's Linux mount options table. Options
// not in it are filesystem-specific and go to mount(2)'s data argument, as the spec says.
var MountOptions = map[string]MountOption{
	"async":         {Kind: MountFlag, Flag: unix.MS_SYNCHRONOUS, Clear: true},
	"atime":         {Kind: MountFlag, Flag: unix.MS_NOATIME, Clear: true},
	"defaults":      {Kind: MountFlag},
	"dev":           {Kind: MountFlag, Flag: unix.MS_NODEV, Clear: true},
	"diratime":      {Kind: MountFlag, Flag: unix.MS_NODIRATIME, Clear: true},
	"dirsync":       {Kind: MountFlag, Flag: unix.MS_DIRSYNC},
	"exec":          {Kind: MountFlag, Flag: unix.MS_NOEXEC, Clear: true},
	"iversion":      {Kind: MountFlag, Flag: unix.MS_I_VERSION},
	"lazytime":      {Kind: MountFlag, Flag: unix.MS_LAZYTIME},
	"loud":          {Kind: MountFlag, Flag: unix.MS_SILENT, Clear: true},
	"mand":          {Kind: MountFlag, Flag: unix.MS_MANDLOCK},
	"noatime":       {Kind: MountFlag, Flag: unix.MS_NOATIME},
	"nodev":         {Kind: MountFlag, Flag: unix.MS_NODEV},
	"nodiratime":    {Kind: MountFlag, Flag: unix.MS_NODIRATIME},
	"noexec":        {Kind: MountFlag, Flag: unix.MS_NOEXEC},
	"noiversion":    {Kind: MountFlag, Flag: unix.MS_I_VERSION, Clear: true},
	"nolazytime":    {Kind: MountFlag, Flag: unix.MS_LAZYTIME, Clear: true},
	"nomand":        {Kind: MountFlag, Flag: unix.MS_MANDLOCK, Clear: true},
	"norelatime":    {Kind: MountFlag, Flag: unix.MS_RELATIME, Clear: true},
	"nostrictatime": {Kind: MountFlag, Flag: unix.MS_STRICTATIME, Clear: true},
	"nosuid":        {Kind: MountFlag, Flag: unix.MS_NOSUID},
	"nosymfollow":   {Kind: MountFlag, Flag: unix.MS_NOSYMFOLLOW},
	"relatime":      {Kind: MountFlag, Flag: unix.MS_RELATIME},
	"remount":       {Kind: MountFlag, Flag: unix.MS_REMOUNT},
	"ro":            {Kind: MountFlag, Flag: unix.MS_RDONLY},
	"rw":            {Kind: MountFlag, Flag: unix.MS_RDONLY, Clear: true},
	"silent":        {Kind: MountFlag, Flag: unix.MS_SILENT},
	"strictatime":   {Kind: MountFlag, Flag: unix.MS_STRICTATIME},
	"suid":          {Kind: MountFlag, Flag: unix.MS_NOSUID, Clear: true},
	"symfollow":     {Kind: MountFlag, Flag: unix.MS_NOSYMFOLLOW, Clear: true},
	"sync":          {Kind: MountFlag, Flag: unix.MS_SYNCHRONOUS},

	"bind":  {Kind: MountBind, Flag: unix.MS_BIND},
	"rbind": {Kind: MountBind, Flag: unix.MS_BIND | unix.MS_REC, Recursive: true},

	"private":     {Kind: MountPropagation, Flag: unix.MS_PRIVATE},
	"rprivate":    {Kind: MountPropagation, Flag: unix.MS_PRIVATE | unix.MS_REC, Recursive: true},
	"shared":      {Kind: MountPropagation, Flag: unix.MS_SHARED},
	"rshared":     {Kind: MountPropagation, Flag: unix.MS_SHARED | unix.MS_REC, Recursive: true},
	"slave":       {Kind: MountPropagation, Flag: unix.MS_SLAVE},
	"rslave":      {Kind: MountPropagation, Flag: unix.MS_SLAVE | unix.MS_REC, Recursive: true},
	"unbindable":  {Kind: MountPropagation, Flag: unix.MS_UNBINDABLE},
	"runbindable": {Kind: MountPropagation, Flag: unix.MS_UNBINDABLE | unix.MS_REC, Recursive: true},

	"rro":            recursiveAttr(unix.MOUNT_ATTR_RDONLY, false, false),
	"rrw":            recursiveAttr(unix.MOUNT_ATTR_RDONLY, true, false),
	"rnosuid":        recursiveAttr(unix.MOUNT_ATTR_NOSUID, false, false),
	"rsuid":          recursiveAttr(unix.MOUNT_ATTR_NOSUID, true, false),
	"rnodev":         recursiveAttr(unix.MOUNT_ATTR_NODEV, false, false),
	"rdev":           recursiveAttr(unix.MOUNT_ATTR_NODEV, true, false),
	"rnoexec":        recursiveAttr(unix.MOUNT_ATTR_NOEXEC, false, false),
	"rexec":          recursiveAttr(unix.MOUNT_ATTR_NOEXEC, true, false),
	"rnodiratime":    recursiveAttr(unix.MOUNT_ATTR_NODIRATIME, false, false),
	"rdiratime":      recursiveAttr(unix.MOUNT_ATTR_NODIRATIME, true, false),
	"rnosymfollow":   recursiveAttr(unix.MOUNT_ATTR_NOSYMFOLLOW, false, false),
	"rsymfollow":     recursiveAttr(unix.MOUNT_ATTR_NOSYMFOLLOW, true, false),
	"rnoatime":       recursiveAttr(unix.MOUNT_ATTR_NOATIME, false, true),
	"ratime":         recursiveAttr(unix.MOUNT_ATTR_NOATIME, true, true),
	"rrelatime":      recursiveAttr(unix.MOUNT_ATTR_RELATIME, false, true),
	"rnorelatime":    recursiveAttr(unix.MOUNT_ATTR_RELATIME, true, true),
	"rstrictatime":   recursiveAttr(unix.MOUNT_ATTR_STRICTATIME, false, true),
	"rnostrictatime": recursiveAttr(unix.MOUNT_ATTR_STRICTATIME, true, true),

	"idmap":  {Kind: MountIDMap},
	"ridmap": {Kind: MountIDMap, Recursive: true},

	"tmpcopyup": {Kind: MountRuntime},
}

func recursiveAttr(attr uint64, clear, atime bool) MountOption {
	return MountOption{Kind: MountRecursiveAttr, Attr: attr, Clear: clear, Atime: atime, Recursive: true}
}

// IDMapping says whether m is an idmapped mount, and whether its mapping is recursive. It is
// idmapped when it has uidMappings/gidMappings (the spec says the runtime MUST use them, even
// without the idmap option that it only SHOULD carry) or the idmap or ridmap option; ridmap
// maps every mount of an rbind tree, idmap only the top one. Of the two, the later option wins.
func IDMapping(m specs.Mount) (mapped, recursive bool) {
	mapped = len(m.UIDMappings) > 0 || len(m.GIDMappings) > 0
	for _, o := range m.Options {
		if opt, ok := MountOptions[o]; ok && opt.Kind == MountIDMap {
			mapped, recursive = true, opt.Recursive
		}
	}
	return mapped, recursive
}

// IsBindMount reports whether m is a bind mount: the spec says so when its options hold bind or
// rbind; runc also treats type "bind" as one, and so does berth.
func IsBindMount(m specs.Mount) bool {
	if m.Type == "bind" {
		return true
	}
	for _, o := range m.Options {
		if o == "bind" || o == "rbind" {
			return true
		}
	}
	return false
}
