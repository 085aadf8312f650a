package container

import (
	"fmt"
	"os"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/berth-runtime/berth/libcontainer/idmap"
	"github.com/berth-runtime/berth/spec"
)

// idmappedMounts makes, on the host, the detached mount of every idmapped entry of s.Mounts,
// keyed by its index; init attaches them in its rootfs (see package idmap for why the host
// does it). A mount's own mappings get a user namespace of their own; idmap/ridmap without
// them take the container's: the one joined by path, or a twin of the new one (the same
// mappings make the same idmapping). Relative sources are relative to the bundle, as in init.
// Nothing is made when init builds no mount namespace of its own: it performs no mounts.
func idmappedMounts(s *specs.Spec, bundle string, newMountNS bool) (mounts map[int]*os.File, err error) {
	if !newMountNS {
		return nil, nil
	}
	ns := usernsCache{}
	defer ns.close()
	defer func() {
		if err != nil {
			closeMounts(mounts)
			mounts = nil
		}
	}()
	for i, m := range s.Mounts {
		mapped, recursive := spec.IDMapping(m)
		if !mapped {
			continue
		}
		p := fmt.Sprintf("mounts[%d]", i)
		userns, err := ns.forMount(s, m, p)
		if err != nil {
			return mounts, err
		}
		source := m.Source
		if !filepath.IsAbs(source) {
			source = filepath.Join(bundle, source)
		}
		mnt, err := idmap.Mount(source, isRecursiveBind(m), recursive, userns)
		if err != nil {
			return mounts, fmt.Errorf("%s destination %q: idmapped bind %q: %w", p, m.Destination, m.Source, err)
		}
		if mounts == nil {
			mounts = map[int]*os.File{}
		}
		mounts[i] = mnt
	}
	return mounts, nil
}

// isRecursiveBind: rbind clones the whole tree below the source; the last of bind/rbind wins.
func isRecursiveBind(m specs.Mount) bool {
	rec := false
	for _, o := range m.Options {
		switch o {
		case "bind":
			rec = false
		case "rbind":
			rec = true
		}
	}
	return rec
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

func closeMounts(mounts map[int]*os.File) {
	for _, f := range mounts {
		f.Close()
	}
}
