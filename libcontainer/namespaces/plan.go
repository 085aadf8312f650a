// Package namespaces turns the spec's namespaces into how the host starts init: the clone
// flags and id maps for exec.Cmd, and, when C has to help, the namespace fds and environment
// for package nsenter.
//
// Two paths:
//
//   - fast: every namespace is new and there is no new time namespace. All of them go into
//     SysProcAttr.Cloneflags (user included, Go writes the id maps); init is PID 1 at once and
//     no C runs.
//   - slow (NeedsNsenter): some namespace is joined by path, or a new time namespace is asked
//     for. Only a new user namespace goes into Cloneflags; nsenter joins the rest by fd, then
//     unshares the new ones (so they belong to the joined user namespace, if any), writes the
//     time offsets, and forks when a pid namespace is involved or the host must act on the
//     namespaces (linux.netDevices) (Forks): the host then reads a pid frame first and reaps the
//     intermediate process.
//
// Rootless: a user namespace whose mappings an unprivileged user may not write is made by the
// host beforehand (newuidmap) and turned into a join (JoinUserNS), which takes the slow path.
//
// The environment given to init on the slow path is documented in package nsenter; the names
// are the Env* constants here.
package namespaces

import (
	"fmt"
	"os"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/berth-runtime/berth/spec"
)

// Plan is how the container's namespaces are made, decided once from the spec.
type Plan struct {
	entries []entry
	uidMaps []syscall.SysProcIDMap
	gidMaps []syscall.SysProcIDMap
	offsets string // the text for /proc/self/timens_offsets; "" when none
	// hostActs: the host acts on init's namespaces before configuring it (linux.netDevices).
	hostActs bool
	// unprivileged: berth runs as a user, who may map only its own ids and, for gid_map, only
	// once setgroups is denied in the new user namespace (rootless).
	unprivileged bool
}

// entry is one namespace the container gets.
type entry struct {
	kind  spec.Namespace
	path  string // "" for a new namespace
	index int    // position in linux.namespaces, for error messages
}

func (e entry) field() string { return fmt.Sprintf("linux.namespaces[%d].path", e.index) }

// PlanFor reads linux.namespaces, linux.uidMappings/gidMappings and linux.timeOffsets of a spec
// that passed spec.Validate, which owns every check of them (types, duplicates, paths, maps,
// offsets). It fails only on a namespace type it cannot plan, which Validate would have refused.
func PlanFor(s *specs.Spec) (*Plan, error) {
	p := &Plan{}
	if s == nil || s.Linux == nil {
		return p, nil
	}
	if err := p.addNamespaces(s.Linux.Namespaces); err != nil {
		return nil, err
	}
	p.uidMaps, p.gidMaps = toSysProcIDMaps(s.Linux.UIDMappings), toSysProcIDMaps(s.Linux.GIDMappings)
	p.offsets = timeOffsetsText(s.Linux.TimeOffsets)
	p.hostActs = len(s.Linux.NetDevices) > 0
	p.unprivileged = os.Geteuid() != 0
	return p, nil
}

func (p *Plan) addNamespaces(nss []specs.LinuxNamespace) error {
	for i, ns := range nss {
		k, ok := spec.NamespaceOf(ns.Type)
		if !ok {
			return fmt.Errorf("linux.namespaces[%d].type %q: unknown namespace type", i, ns.Type)
		}
		p.entries = append(p.entries, entry{kind: k, path: ns.Path, index: i})
	}
	return nil
}

func (p *Plan) find(t specs.LinuxNamespaceType) *entry {
	for i := range p.entries {
		if p.entries[i].kind.Type == t {
			return &p.entries[i]
		}
	}
	return nil
}

// Has reports whether the container gets its own (new or joined) namespace of type t.
func (p *Plan) Has(t specs.LinuxNamespaceType) bool { return p.find(t) != nil }

// New reports whether the container gets a new namespace of type t.
func (p *Plan) New(t specs.LinuxNamespaceType) bool {
	e := p.find(t)
	return e != nil && e.path == ""
}

// Joined reports whether the container joins an existing namespace of type t by path.
func (p *Plan) Joined(t specs.LinuxNamespaceType) bool {
	e := p.find(t)
	return e != nil && e.path != ""
}

// NeedsNsenter reports whether the slow path is used: something is joined, or a new time
// namespace is asked for (it cannot be made by clone, and its offsets must be set before any
// process enters it).
func (p *Plan) NeedsNsenter() bool {
	for _, e := range p.entries {
		if e.path != "" {
			return true
		}
	}
	return p.New(specs.TimeNamespace)
}

// Forks reports whether nsenter forks: on the slow path whenever the container has a pid
// namespace, because setns and unshare of a pid namespace take in only children; and when the
// host must act on init's namespaces (linux.netDevices go into its network namespace), because
// the pid frame nsenter sends after the fork is the host's sign that they are all in place. The
// host must then read a pid frame first and reap the intermediate process.
func (p *Plan) Forks() bool {
	return p.NeedsNsenter() && (p.Has(specs.PIDNamespace) || p.hostActs)
}

// OnlyJoins reports whether nsenter forks and every namespace is joined, none made: then its
// fork can go straight into a cgroup v2 directory (_BERTH_CGROUP_DIR_FD), with the user and
// cgroup namespaces joined after it. A namespace made before the fork would be made outside
// the container's cgroup or user namespace.
func (p *Plan) OnlyJoins() bool {
	if !p.Forks() {
		return false
	}
	for _, e := range p.entries {
		if e.path == "" {
			return false
		}
	}
	return true
}

// SysProcAttr returns the clone flags and id maps for exec.Cmd. The fast path puts every new
// namespace here; the slow path only a new user namespace, the rest is nsenter's.
func (p *Plan) SysProcAttr() *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{}
	if p.NeedsNsenter() {
		if p.New(specs.UserNamespace) {
			attr.Cloneflags = syscall.CLONE_NEWUSER
		}
	} else {
		attr.Cloneflags = p.newFlags(true)
	}
	if p.New(specs.UserNamespace) {
		attr.UidMappings = append([]syscall.SysProcIDMap(nil), p.uidMaps...)
		attr.GidMappings = append([]syscall.SysProcIDMap(nil), p.gidMaps...)
		// A privileged host lets the container use setgroups; a user cannot write gid_map
		// until setgroups is denied (Go writes "deny" when this is false).
		attr.GidMappingsEnableSetgroups = !p.unprivileged
		// init starts as the host's root, which the new namespace does not map: become the
		// namespace's root, so that init holds its capabilities there. Without setgroups
		// (rootless), init keeps no supplementary groups: the user's are unmapped anyway.
		if mapsZero(p.uidMaps) && mapsZero(p.gidMaps) {
			attr.Credential = &syscall.Credential{Uid: 0, Gid: 0, NoSetGroups: p.unprivileged}
		}
	}
	return attr
}

// JoinUserNS turns the container's new user namespace into one joined at path: the host made
// it beforehand, with mappings it could not write from here (rootless, newuidmap). The other
// new namespaces are then made by nsenter after it joins, so that they belong to it.
func (p *Plan) JoinUserNS(path string) {
	if e := p.find(specs.UserNamespace); e != nil && e.path == "" {
		e.path = path
	}
}

// InitMakesCgroupNS reports whether init must unshare a new cgroup namespace itself.
func (p *Plan) InitMakesCgroupNS() bool { return p.New(specs.CgroupNamespace) }

// newFlags ORs the clone flags of the new namespaces, with or without the user one. A new
// cgroup namespace is never among them: it takes its root from the cgroup its maker is in, so
// init makes it itself once it sits in the container's cgroups (see InitMakesCgroupNS).
func (p *Plan) newFlags(withUser bool) uintptr {
	var flags uintptr
	for _, e := range p.entries {
		if e.kind.Type == specs.CgroupNamespace {
			continue
		}
		if e.path == "" && (withUser || e.kind.Type != specs.UserNamespace) {
			flags |= e.kind.Flag
		}
	}
	return flags
}

func mapsZero(maps []syscall.SysProcIDMap) bool {
	for _, m := range maps {
		if m.ContainerID == 0 && m.Size > 0 {
			return true
		}
	}
	return false
}
