package container

import (
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/berth-runtime/berth/libcontainer/idmap"
	"github.com/berth-runtime/berth/libcontainer/protocol"
	"github.com/berth-runtime/berth/spec"
)

// idmapMount serves init's idmap request (see package protocol): it receives init's detached
// clone of the source of mounts[m.Mount], gives it that mount's mappings and tells init to go
// on. A mount's own mappings get a user namespace of their own; idmap/ridmap without them take
// the container's, which init is in (new or joined), waiting for this answer.
func (c *Container) idmapMount(l *launched, m *protocol.Message, ns usernsCache) error {
	mnt := m.File
	s := c.state.Config
	if m.Mount < 0 || m.Mount >= len(s.Mounts) {
		return fmt.Errorf("protocol: idmap request for mounts[%d], which does not exist", m.Mount)
	}
	mt := s.Mounts[m.Mount]
	mapped, recursive := spec.IDMapping(mt)
	if !mapped {
		return fmt.Errorf("protocol: idmap request for mounts[%d], which is not idmapped", m.Mount)
	}
	p := fmt.Sprintf("mounts[%d]", m.Mount)
	userns, err := ns.forMount(s, mt, p, l.pid)
	if err != nil {
		return err
	}
	if err := idmap.Apply(mnt, recursive, userns); err != nil {
		return fmt.Errorf("%s destination %q: idmapped bind %q: %w", p, mt.Destination, mt.Source, err)
	}
	return protocol.Send(l.sync, &protocol.Message{Kind: protocol.KindIDMapDone})
}

// usernsCache holds the user namespace fds of idmapped mounts: one per distinct set of mappings,
// and the container's own.
type usernsCache map[string]*os.File

// forMount returns the user namespace whose mappings mount m (field path p) is seen through:
// a new one holding the mount's own mappings, or else the container's, which init is in.
func (c usernsCache) forMount(s *specs.Spec, m specs.Mount, p string, initPid int) (*os.File, error) {
	if len(m.UIDMappings) == 0 {
		if !hasUserNS(s) {
			// Validation refuses this; said again so that no mount goes unmapped.
			return nil, fmt.Errorf("%s.uidMappings: an idmapped mount needs mappings or a user namespace", p)
		}
		f, err := c.open(fmt.Sprintf("/proc/%d/ns/user", initPid))
		if err != nil {
			return nil, fmt.Errorf("%s: the container's user namespace: %w", p, err)
		}
		return f, nil
	}
	key := fmt.Sprint(m.UIDMappings, m.GIDMappings)
	if f := c[key]; f != nil {
		return f, nil
	}
	f, err := idmap.UserNS(m.UIDMappings, m.GIDMappings)
	if err != nil {
		return nil, fmt.Errorf("%s.uidMappings: %w", p, err)
	}
	c[key] = f
	return f, nil
}

func (c usernsCache) open(path string) (*os.File, error) {
	if f := c[path]; f != nil {
		return f, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	c[path] = f
	return f, nil
}

func (c usernsCache) close() {
	for _, f := range c {
		f.Close()
	}
}

func hasUserNS(s *specs.Spec) bool {
	if s.Linux == nil {
		return false
	}
	for _, ns := range s.Linux.Namespaces {
		if ns.Type == specs.UserNamespace {
			return true
		}
	}
	return false
}
