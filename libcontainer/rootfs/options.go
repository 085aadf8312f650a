package rootfs

import (
	"slices"
	"strings"

	"golang.org/x/sys/unix"
)

// MountOptions is a spec mount's option list sorted by what the kernel does with each option.
type MountOptions struct {
	// Flags holds the MS_* flags the options set (ro, nosuid, bind, rec, remount...).
	Flags uintptr
	// Cleared holds the MS_* flags an option explicitly turned off (rw, suid, exec...); a bind
	// mount needs them to know what to clear on the cloned mount.
	Cleared uintptr
	// Propagation lists MS_SHARED/MS_SLAVE/MS_PRIVATE/MS_UNBINDABLE (with MS_REC for the r* forms)
	// in the order given.
	Propagation []uintptr
	// Recursive is applied with mount_setattr(AT_RECURSIVE) after the mount (rro, rnosuid...).
	Recursive unix.MountAttr
	// Data is every option this package does not know, comma-joined, for the filesystem itself.
	Data string
	// TmpCopyUp asks to copy the directory underneath a tmpfs mount into it.
	TmpCopyUp bool
	// IDMap is set by idmap/ridmap: the bind mount's clone gets id mappings from the host
	// (Config.IDMap) before it is attached.
	IDMap bool
}

type flagOption struct {
	clear bool
	flag  uintptr
}

// flagOptions are the mount(8) options that map to MS_* flags.
var flagOptions = map[string]flagOption{
	"async":         {true, unix.MS_SYNCHRONOUS},
	"atime":         {true, unix.MS_NOATIME},
	"bind":          {false, unix.MS_BIND},
	"defaults":      {false, 0},
	"dev":           {true, unix.MS_NODEV},
	"diratime":      {true, unix.MS_NODIRATIME},
	"dirsync":       {false, unix.MS_DIRSYNC},
	"exec":          {true, unix.MS_NOEXEC},
	"iversion":      {false, unix.MS_I_VERSION},
	"lazytime":      {false, unix.MS_LAZYTIME},
	"loud":          {true, unix.MS_SILENT},
	"mand":          {false, unix.MS_MANDLOCK},
	"noatime":       {false, unix.MS_NOATIME},
	"nodev":         {false, unix.MS_NODEV},
	"nodiratime":    {false, unix.MS_NODIRATIME},
	"noexec":        {false, unix.MS_NOEXEC},
	"noiversion":    {true, unix.MS_I_VERSION},
	"nolazytime":    {true, unix.MS_LAZYTIME},
	"nomand":        {true, unix.MS_MANDLOCK},
	"norelatime":    {true, unix.MS_RELATIME},
	"nostrictatime": {true, unix.MS_STRICTATIME},
	"nosuid":        {false, unix.MS_NOSUID},
	"nosymfollow":   {false, unix.MS_NOSYMFOLLOW},
	"rbind":         {false, unix.MS_BIND | unix.MS_REC},
	"relatime":      {false, unix.MS_RELATIME},
	"remount":       {false, unix.MS_REMOUNT},
	"ro":            {false, unix.MS_RDONLY},
	"rw":            {true, unix.MS_RDONLY},
	"silent":        {false, unix.MS_SILENT},
	"strictatime":   {false, unix.MS_STRICTATIME},
	"suid":          {true, unix.MS_NOSUID},
	"sync":          {false, unix.MS_SYNCHRONOUS},
}

// propagationOptions are the mount propagation types.
var propagationOptions = map[string]uintptr{
	"private":     unix.MS_PRIVATE,
	"rprivate":    unix.MS_PRIVATE | unix.MS_REC,
	"shared":      unix.MS_SHARED,
	"rshared":     unix.MS_SHARED | unix.MS_REC,
	"slave":       unix.MS_SLAVE,
	"rslave":      unix.MS_SLAVE | unix.MS_REC,
	"unbindable":  unix.MS_UNBINDABLE,
	"runbindable": unix.MS_UNBINDABLE | unix.MS_REC,
}

type attrOption struct {
	clear bool
	attr  uint64
}

// recursiveOptions are the mount_setattr(AT_RECURSIVE) options. The atime ones replace the whole
// atime field; "ratime", "rnorelatime" and "rnostrictatime" go back to the kernel default
// (relatime), which is what their non-recursive forms leave behind on a fresh mount.
var recursiveOptions = map[string]attrOption{
	"rro":            {false, unix.MOUNT_ATTR_RDONLY},
	"rrw":            {true, unix.MOUNT_ATTR_RDONLY},
	"rnosuid":        {false, unix.MOUNT_ATTR_NOSUID},
	"rsuid":          {true, unix.MOUNT_ATTR_NOSUID},
	"rnodev":         {false, unix.MOUNT_ATTR_NODEV},
	"rdev":           {true, unix.MOUNT_ATTR_NODEV},
	"rnoexec":        {false, unix.MOUNT_ATTR_NOEXEC},
	"rexec":          {true, unix.MOUNT_ATTR_NOEXEC},
	"rnodiratime":    {false, unix.MOUNT_ATTR_NODIRATIME},
	"rdiratime":      {true, unix.MOUNT_ATTR_NODIRATIME},
	"rnosymfollow":   {false, unix.MOUNT_ATTR_NOSYMFOLLOW},
	"rsymfollow":     {true, unix.MOUNT_ATTR_NOSYMFOLLOW},
	"rrelatime":      {false, unix.MOUNT_ATTR_RELATIME},
	"rnorelatime":    {false, unix.MOUNT_ATTR_RELATIME},
	"ratime":         {false, unix.MOUNT_ATTR_RELATIME},
	"rnoatime":       {false, unix.MOUNT_ATTR_NOATIME},
	"rstrictatime":   {false, unix.MOUNT_ATTR_STRICTATIME},
	"rnostrictatime": {false, unix.MOUNT_ATTR_RELATIME},
}

var atimeRecursive = map[string]bool{
	"rrelatime": true, "rnorelatime": true, "ratime": true,
	"rnoatime": true, "rstrictatime": true, "rnostrictatime": true,
}

// KnownOptions returns every option name ParseOptions interprets and doMount carries out,
// sorted, for `berth features`.
func KnownOptions() []string {
	var names []string
	for name := range flagOptions {
		names = append(names, name)
	}
	for name := range propagationOptions {
		names = append(names, name)
	}
	for name := range recursiveOptions {
		names = append(names, name)
	}
	names = append(names, "tmpcopyup", "idmap", "ridmap")
	slices.Sort(names)
	return names
}

// ParseOptions sorts a spec mount's options. Later options win over earlier ones, like mount(8);
// options it does not know are kept, in order, as filesystem data. It never fails today; the
// error is there so that stricter checks do not change the signature.
func ParseOptions(opts []string) (MountOptions, error) {
	var mo MountOptions
	var data []string
	for _, opt := range opts {
		if f, ok := flagOptions[opt]; ok {
			mo.applyFlag(f)
			continue
		}
		if p, ok := propagationOptions[opt]; ok {
			mo.Propagation = append(mo.Propagation, p)
			continue
		}
		if a, ok := recursiveOptions[opt]; ok {
			mo.applyRecursive(opt, a)
			continue
		}
		switch opt {
		case "tmpcopyup":
			mo.TmpCopyUp = true
		case "idmap", "ridmap":
			mo.IDMap = true
		default:
			data = append(data, opt)
		}
	}
	mo.Data = strings.Join(data, ",")
	return mo, nil
}

func (mo *MountOptions) applyFlag(f flagOption) {
	if f.clear {
		mo.Flags &^= f.flag
		mo.Cleared |= f.flag
		return
	}
	mo.Flags |= f.flag
	mo.Cleared &^= f.flag
}

func (mo *MountOptions) applyRecursive(name string, a attrOption) {
	r := &mo.Recursive
	if atimeRecursive[name] {
		r.Attr_clr |= unix.MOUNT_ATTR__ATIME
		r.Attr_set = r.Attr_set&^unix.MOUNT_ATTR__ATIME | a.attr
		return
	}
	if a.clear {
		r.Attr_set &^= a.attr
		r.Attr_clr |= a.attr
		return
	}
	r.Attr_set |= a.attr
	r.Attr_clr &^= a.attr
}

// IsBind reports whether the options make this a bind mount.
func (mo MountOptions) IsBind() bool { return mo.Flags&unix.MS_BIND != 0 }

// msToAttr maps the per-mount MS_* flags onto MOUNT_ATTR_* bits. The atime field is returned
// apart because it is a value, not a set of bits.
func msToAttr(flags uintptr) (attr uint64, atime uint64, hasAtime bool) {
	pairs := []struct {
		ms   uintptr
		attr uint64
	}{
		{unix.MS_RDONLY, unix.MOUNT_ATTR_RDONLY},
		{unix.MS_NOSUID, unix.MOUNT_ATTR_NOSUID},
		{unix.MS_NODEV, unix.MOUNT_ATTR_NODEV},
		{unix.MS_NOEXEC, unix.MOUNT_ATTR_NOEXEC},
		{unix.MS_NODIRATIME, unix.MOUNT_ATTR_NODIRATIME},
		{unix.MS_NOSYMFOLLOW, unix.MOUNT_ATTR_NOSYMFOLLOW},
	}
	for _, p := range pairs {
		if flags&p.ms != 0 {
			attr |= p.attr
		}
	}
	switch {
	case flags&unix.MS_STRICTATIME != 0:
		return attr, unix.MOUNT_ATTR_STRICTATIME, true
	case flags&unix.MS_NOATIME != 0:
		return attr, unix.MOUNT_ATTR_NOATIME, true
	case flags&unix.MS_RELATIME != 0:
		return attr, unix.MOUNT_ATTR_RELATIME, true
	}
	return attr, 0, false
}

// sbFlagNames are the superblock flags, given to fsconfig by the name the VFS parses itself.
var sbFlagNames = []struct {
	ms   uintptr
	name string
}{
	{unix.MS_RDONLY, "ro"},
	{unix.MS_SYNCHRONOUS, "sync"},
	{unix.MS_DIRSYNC, "dirsync"},
	{unix.MS_MANDLOCK, "mand"},
	{unix.MS_LAZYTIME, "lazytime"},
}

// splitData splits a mount data string at commas that are not inside double quotes (SELinux
// contexts such as context="a:b:c,d" contain commas).
func splitData(data string) []string {
	var out []string
	var cur strings.Builder
	quoted := false
	for _, r := range data {
		switch {
		case r == '"':
			quoted = !quoted
			cur.WriteRune(r)
		case r == ',' && !quoted:
			if cur.Len() > 0 {
				out = append(out, cur.String())
			}
			cur.Reset()
		default:
			cur.WriteRune(r)
		}
	}
	if cur.Len() > 0 {
		out = append(out, cur.String())
	}
	return out
}
