package container

import (
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/berth-runtime/berth/libcontainer/fdpass"
	"github.com/berth-runtime/berth/libcontainer/idmap"
	"github.com/berth-runtime/berth/libcontainer/protocol"
	"github.com/berth-runtime/berth/spec"
)

// idmapMount serves init's idmap request (see package protocol): it receives init's detached
// clone of the source of mounts[m.Mount], gives it that mount's mappings and tells init to go
// on. A mount's own mappings get a user namespace of their own; idmap/ridmap without them take
// the container's: the one joined by path, or a twin of the new one (the same mappings make the
// same idmapping).
func (c *Container) idmapMount(l *launched, m *protocol.Message, ns usernsCache) error {
	mnt, err := fdpass.Recv(l.sync)
	if err != nil {
		return fmt.Errorf("protocol: idmap: %w", err)
	}
	defer mnt.Close()
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
	userns, err := ns.forMount(s, mt, p)
	if err != nil {
		return err
	}
	if err := idmap.Apply(mnt, recursive, userns); err != nil {
		return fmt.Errorf("%s destination %q: idmapped bind %q: %w", p, mt.Destination, mt.Source, err)
	}
	return protocol.Send(l.sync, &protocol.Message{Type: protocol.TypeIDMapDone})
}

// usernsCache holds one user namespace fd per distinct set of mappings.
type usernsCache map[string]*os.File

// forMount returns the user namespace whose mappings mount m (field path p) is seen through.
func (c usernsCache) forMount(s *specs.Spec, m specs.Mount, p string) (*os.File, error) {
	uids, gids, field := m.UIDMappings, m.GIDMappings, p+".uidMappings"
	if len(uids) == 0 {
		if path := joinedUserNS(s); path != "" {
			f, err := c.open(path)
			if err != nil {
				return nil, fmt.Errorf("%s: the container's user namespace: %w", p, err)
			}
			return f, nil
		}
		if s.Linux == nil || len(s.Linux.UIDMappings) == 0 || len(s.Linux.GIDMappings) == 0 {
			// Validation refuses this; said again so that no mount goes unmapped.
			return nil, fmt.Errorf("%s: an idmapped mount needs mappings or a user namespace", field)
		}
		uids, gids, field = s.Linux.UIDMappings, s.Linux.GIDMappings, "linux.uidMappings"
	}
	key := fmt.Sprint(uids, gids)
	if f := c[key]; f != nil {
		return f, nil
	}
	f, err := idmap.UserNS(uids, gids)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", field, err)
	}
	c[key] = f
	return f, nil
}

// open returns the user namespace joined by path (linux.namespaces user path).
func (c usernsCache) open(path string) (*os.File, error) {
	if f := c["path:"+path]; f != nil {
		return f, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	c["path:"+path] = f
	return f, nil
}

func (c usernsCache) close() {
	for _, f := range c {
		f.Close()
	}
}

// joinedUserNS is the path of the user namespace the container joins, or "".
func joinedUserNS(s *specs.Spec) string {
	if s.Linux == nil {
		return ""
	}
	for _, ns := range s.Linux.Namespaces {
		if ns.Type == specs.UserNamespace {
			return ns.Path
		}
	}
	return ""
}
