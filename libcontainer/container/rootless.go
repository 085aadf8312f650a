package container

import (
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/berth-runtime/berth/libcontainer/idmap"
	"github.com/berth-runtime/berth/libcontainer/namespaces"
)

// rootlessUserNS prepares the user namespace of a container made by an unprivileged user. When
// its mappings are the user's own ids, clone writes them (setgroups denied) and nothing is done
// here. Wider mappings (/etc/subuid ranges) are written by newuidmap/newgidmap into a namespace
// made beforehand, which init joins: the returned file holds it until init is in (caller
// closes it). Without a user namespace an unprivileged user can make no namespace at all.
func rootlessUserNS(s *specs.Spec, plan *namespaces.Plan) (*os.File, error) {
	if os.Geteuid() == 0 {
		return nil, nil
	}
	if !plan.Has(specs.UserNamespace) {
		if len(s.Linux.Namespaces) > 0 {
			return nil, fmt.Errorf("linux.namespaces: berth runs as uid %d, which can make namespaces only inside a new user namespace (add one with uid/gid mappings, as `berth spec --rootless` does)", os.Geteuid())
		}
		return nil, nil
	}
	l := s.Linux
	if !plan.New(specs.UserNamespace) || namespaces.MapsOwnIDsOnly(l.UIDMappings, l.GIDMappings, os.Geteuid(), os.Getegid()) {
		return nil, nil
	}
	f, err := idmap.UserNSByHelpers(l.UIDMappings, l.GIDMappings)
	if err != nil {
		return nil, err
	}
	plan.JoinUserNS(fmt.Sprintf("/proc/self/fd/%d", f.Fd()))
	return f, nil
}
