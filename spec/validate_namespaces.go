package spec

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// namespace returns the linux.namespaces entry of type t and its index, or -1.
func (c *config) namespace(t specs.LinuxNamespaceType) (specs.LinuxNamespace, int) {
	for i, ns := range c.linux().Namespaces {
		if ns.Type == t {
			return ns, i
		}
	}
	return specs.LinuxNamespace{}, -1
}

// ownsNamespace reports whether the container gets a namespace of type t other than the host's:
// a new one, or one joined by a path that is not the namespace berth itself runs in.
func (c *config) ownsNamespace(t specs.LinuxNamespaceType) bool {
	ns, i := c.namespace(t)
	if i < 0 {
		return false
	}
	return ns.Path == "" || !isOwnNamespace(ns.Path, t)
}

// namespaceAdvice says how to give the container its own namespace of type t.
func (c *config) namespaceAdvice(t specs.LinuxNamespaceType) string {
	if ns, i := c.namespace(t); i >= 0 && ns.Path != "" {
		return fmt.Sprintf("%s.path %q is the host's", index("linux.namespaces", i), ns.Path)
	}
	return fmt.Sprintf("add {\"type\": %q} to linux.namespaces", t)
}

// isOwnNamespace reports whether path is the namespace of type t that this process is in. A path
// that cannot be examined is reported as not ours: joining it will fail later with its own error.
func isOwnNamespace(path string, t specs.LinuxNamespaceType) bool {
	theirs, err1 := os.Stat(path)
	known, _ := NamespaceOf(t)
	ours, err2 := os.Stat("/proc/self/ns/" + known.Proc)
	if err1 != nil || err2 != nil {
		return false
	}
	return os.SameFile(theirs, ours) // device and inode identify a namespace
}

// checkNamespaces requires known types, each at most once, with absolute paths.
func checkNamespaces(c *config) error {
	first := map[specs.LinuxNamespaceType]int{}
	for i, ns := range c.linux().Namespaces {
		p := index("linux.namespaces", i)
		known, ok := NamespaceOf(ns.Type)
		if !ok {
			return valueError(p+".type", string(ns.Type), "unknown namespace type; want one of %s", namespaceTypeList())
		}
		if j, dup := first[ns.Type]; dup {
			return valueError(p+".type", string(ns.Type), "duplicate of %s", index("linux.namespaces", j))
		}
		first[ns.Type] = i
		if ns.Path != "" && !filepath.IsAbs(ns.Path) {
			return valueError(p+".path", ns.Path, "must be an absolute path such as /proc/1234/ns/%s", known.Proc)
		}
	}
	return nil
}

func namespaceTypeList() string {
	names := make([]string, len(Namespaces))
	for i, ns := range Namespaces {
		names[i] = string(ns.Type)
	}
	return strings.Join(names, ", ")
}

// checkUserNamespace ties the id mappings to the user namespace: a new one needs both, and
// mappings without a user namespace would be silently ignored, so they are refused as runc does.
func checkUserNamespace(c *config) error {
	l := c.linux()
	ns, i := c.namespace(specs.UserNamespace)
	switch {
	case i < 0 && len(l.UIDMappings) > 0:
		return fieldError("linux.uidMappings", `given without a user namespace; add {"type": "user"} to linux.namespaces`)
	case i < 0 && len(l.GIDMappings) > 0:
		return fieldError("linux.gidMappings", `given without a user namespace; add {"type": "user"} to linux.namespaces`)
	case i >= 0 && ns.Path == "" && len(l.UIDMappings) == 0:
		return fieldError("linux.uidMappings", "missing; a new user namespace needs at least one mapping")
	case i >= 0 && ns.Path == "" && len(l.GIDMappings) == 0:
		return fieldError("linux.gidMappings", "missing; a new user namespace needs at least one mapping")
	}
	for _, f := range []struct {
		path string
		maps []specs.LinuxIDMapping
	}{{"linux.uidMappings", l.UIDMappings}, {"linux.gidMappings", l.GIDMappings}} {
		if err := checkIDMappings(f.path, f.maps); err != nil {
			return err
		}
		// The kernel refuses these with a bare EINVAL when init's map is written.
		if err := checkIDMapRanges(f.path, f.maps); err != nil {
			return err
		}
	}
	return nil
}

// checkIDMappings requires non-empty ranges that fit in 32 bits on both sides.
func checkIDMappings(path string, maps []specs.LinuxIDMapping) error {
	for i, m := range maps {
		p := index(path, i)
		if m.Size == 0 {
			return fieldError(p+".size", "must be at least 1")
		}
		if uint64(m.ContainerID)+uint64(m.Size) > 1<<32 || uint64(m.HostID)+uint64(m.Size) > 1<<32 {
			return fieldError(p, "range of %d ids from %d (container) / %d (host) goes past 4294967295", m.Size, m.ContainerID, m.HostID)
		}
	}
	return nil
}

// checkTimeNamespace allows timeOffsets only when a new time namespace is created: offsets can
// be written only before the first process enters it.
func checkTimeNamespace(c *config) error {
	offsets := c.linux().TimeOffsets
	if len(offsets) == 0 {
		return nil
	}
	ns, i := c.namespace(specs.TimeNamespace)
	if i < 0 {
		return fieldError("linux.timeOffsets", `given without a time namespace; add {"type": "time"} to linux.namespaces`)
	}
	if ns.Path != "" {
		return fieldError("linux.timeOffsets", "cannot be set when joining the existing time namespace %s", ns.Path)
	}
	for _, clock := range sortedKeys(offsets) {
		p := member("linux.timeOffsets", clock)
		if !slices.Contains(TimeOffsetClocks, clock) {
			return fieldError(p, "unknown clock; want %s", strings.Join(TimeOffsetClocks, " or "))
		}
		if ns := offsets[clock].Nanosecs; ns >= 1e9 {
			return numberError(p+".nanosecs", ns, "must be below 1000000000")
		}
	}
	return nil
}

// checkHostname refuses hostname and domainname unless the container has its own uts namespace:
// setting them would rename the host.
func checkHostname(c *config) error {
	if c.Hostname == "" && c.Domainname == "" {
		return nil
	}
	if c.ownsNamespace(specs.UTSNamespace) {
		return nil
	}
	field, value := "hostname", c.Hostname
	if value == "" {
		field, value = "domainname", c.Domainname
	}
	return valueError(field, value, "needs the container's own uts namespace; %s", c.namespaceAdvice(specs.UTSNamespace))
}

// checkSysctl allows only sysctls that belong to a namespace the container owns, so that no
// setting reaches the host.
func checkSysctl(c *config) error {
	for _, key := range sortedKeys(c.linux().Sysctl) {
		if err := sysctlAllowed(c, normalizeSysctl(key)); err != nil {
			return &FieldError{Path: member("linux.sysctl", key), Err: err}
		}
	}
	return nil
}

func sysctlAllowed(c *config, name string) error {
	if name == "kernel.hostname" {
		return fmt.Errorf("conflicts with the hostname field; set hostname instead")
	}
	t, ok := sysctlNamespace(name)
	if !ok {
		return fmt.Errorf("not namespaced, setting it would change the host; want net.*, " +
			"fs.mqueue.*, kernel.shm*, kernel.msg*, kernel.sem* or kernel.domainname")
	}
	if !c.ownsNamespace(t) {
		return fmt.Errorf("needs the container's own %s namespace; %s", t, c.namespaceAdvice(t))
	}
	return nil
}

// sysctlNamespace returns the namespace that isolates the sysctl name.
func sysctlNamespace(name string) (specs.LinuxNamespaceType, bool) {
	switch {
	case strings.HasPrefix(name, "net."):
		return specs.NetworkNamespace, true
	case strings.HasPrefix(name, "fs.mqueue."),
		strings.HasPrefix(name, "kernel.shm"),
		strings.HasPrefix(name, "kernel.msg"),
		strings.HasPrefix(name, "kernel.sem"):
		return specs.IPCNamespace, true
	case name == "kernel.domainname":
		return specs.UTSNamespace, true
	}
	return "", false
}

// normalizeSysctl turns the slash form sysctl(8) also accepts (net/ipv4/conf/eth0.1/forwarding)
// into the dotted form, where a dot inside a component becomes a slash.
func normalizeSysctl(name string) string {
	if !strings.Contains(name, "/") {
		return name
	}
	return strings.Map(func(r rune) rune {
		switch r {
		case '/':
			return '.'
		case '.':
			return '/'
		}
		return r
	}, name)
}
