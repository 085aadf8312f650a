package spec

import (
	"slices"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestValidateMountIDOptions(t *testing.T) {
	// rootless is `spec --rootless`'s config with mappings of a user's ids and extra mounts.
	rootless := func(change func(s *specs.Spec)) func(s *specs.Spec) {
		return func(s *specs.Spec) {
			ToRootless(s)
			s.Linux.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 1}}
			s.Linux.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 1}}
			change(s)
		}
	}
	tmpfs := func(opts ...string) specs.Mount {
		return specs.Mount{Destination: "/data", Type: "tmpfs", Source: "tmpfs", Options: opts}
	}
	runValidateCases(t, []validateCase{
		{"spec --rootless", rootless(func(*specs.Spec) {}), ""},
		{"devpts gid=5 unmapped", rootless(func(s *specs.Spec) {
			s.Mounts[2].Options = append(s.Mounts[2].Options, "gid=5")
		}), `mounts[2].options[5] "gid=5": gid 5 is not mapped by linux.gidMappings`},
		{"tmpfs uid=0 mapped", rootless(func(s *specs.Spec) { s.Mounts = append(s.Mounts, tmpfs("uid=0", "gid=0")) }), ""},
		{"tmpfs uid=1000 unmapped", rootless(func(s *specs.Spec) { s.Mounts = append(s.Mounts, tmpfs("mode=755", "uid=1000")) }),
			`mounts[7].options[1] "uid=1000": uid 1000 is not mapped by linux.uidMappings`},
		{"gid in a second range", rootless(func(s *specs.Spec) {
			s.Linux.GIDMappings = append(s.Linux.GIDMappings, specs.LinuxIDMapping{ContainerID: 1, HostID: 100000, Size: 65536})
			s.Mounts[2].Options = append(s.Mounts[2].Options, "gid=5")
		}), ""},
		{"just past a range", rootless(func(s *specs.Spec) {
			s.Linux.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 5}}
			s.Mounts[2].Options = append(s.Mounts[2].Options, "gid=5")
		}), `"gid=5": gid 5 is not mapped`},
		{"a bind mount's options are not the filesystem's", rootless(func(s *specs.Spec) {
			s.Mounts = append(s.Mounts, specs.Mount{Destination: "/x", Source: "/srv", Options: []string{"rbind", "uid=7"}})
		}), ""},
		{"joined user namespace: its mappings are unknown", rootless(func(s *specs.Spec) {
			setNamespacePath(s, specs.UserNamespace, "/proc/1/ns/user")
			s.Linux.UIDMappings, s.Linux.GIDMappings = nil, nil
			s.Mounts[2].Options = append(s.Mounts[2].Options, "gid=5")
		}), ""},
		{"no user namespace: host ids", func(s *specs.Spec) {
			if !slices.Contains(s.Mounts[2].Options, "gid=5") {
				t.Fatal("the default devpts lost gid=5")
			}
		}, ""},
	})
}
