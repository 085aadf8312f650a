package spec

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func bundleWithRootfs(t testing.TB) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "rootfs"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir
}

func intPtr(i int) *int { return &i }

// userns adds a user namespace with one mapping to s, and drops the default devpts gid=5, which
// that mapping leaves unmapped (checkMountIDOptions).
func userns(s *specs.Spec) {
	s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace})
	s.Linux.UIDMappings = []specs.LinuxIDMapping{{HostID: 1000, Size: 1}}
	s.Linux.GIDMappings = []specs.LinuxIDMapping{{HostID: 1000, Size: 1}}
	for i := range s.Mounts {
		s.Mounts[i].Options = slices.DeleteFunc(s.Mounts[i].Options, func(o string) bool { return o == "gid=5" })
	}
}

func setNamespacePath(s *specs.Spec, t specs.LinuxNamespaceType, path string) {
	for i := range s.Linux.Namespaces {
		if s.Linux.Namespaces[i].Type == t {
			s.Linux.Namespaces[i].Path = path
		}
	}
}

func removeNamespace(s *specs.Spec, t specs.LinuxNamespaceType) {
	var kept []specs.LinuxNamespace
	for _, ns := range s.Linux.Namespaces {
		if ns.Type != t {
			kept = append(kept, ns)
		}
	}
	s.Linux.Namespaces = kept
}

// validateCase changes a valid default spec; want is "" when it must stay valid, else a part of
// the error that starts with the JSON path.
type validateCase struct {
	name   string
	change func(s *specs.Spec)
	want   string
}

func runValidateCases(t *testing.T, tests []validateCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			bundle := bundleWithRootfs(t)
			s := Default()
			tt.change(s)
			err := Validate(s, bundle)
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("got  %v\nwant an error containing %q", err, tt.want)
			case tt.want != "":
				var fe *FieldError
				if !errors.As(err, &fe) || !strings.HasPrefix(err.Error(), fe.Path) {
					t.Errorf("%v: not a *FieldError starting with its path", err)
				}
			}
		})
	}
}

func TestValidateTopLevel(t *testing.T) {
	runValidateCases(t, []validateCase{
		{"default", func(s *specs.Spec) {}, ""},
		{"old 1.x version", func(s *specs.Spec) { s.Version = "1.0.2-dev" }, ""},
		{"version with build", func(s *specs.Spec) { s.Version = "1.1.0+abc" }, ""},
		{"no version", func(s *specs.Spec) { s.Version = "" }, "ociVersion: missing"},
		{"major 2", func(s *specs.Spec) { s.Version = "2.0.0" }, `ociVersion "2.0.0": unsupported major version 2`},
		{"not semver", func(s *specs.Spec) { s.Version = "1.0" }, `ociVersion "1.0": not a SemVer version`},
		{"bad prerelease", func(s *specs.Spec) { s.Version = "1.0.0-" }, `ociVersion "1.0.0-": not a SemVer`},
		{"no root", func(s *specs.Spec) { s.Root = nil }, "root: missing"},
		{"empty root path", func(s *specs.Spec) { s.Root.Path = "" }, "root.path: missing"},
		{"missing rootfs", func(s *specs.Spec) { s.Root.Path = "nope" }, `root.path "nope": no such directory /`},
		{"rootfs not a dir", func(s *specs.Spec) { s.Root.Path = "/dev/null" }, `root.path "/dev/null": /dev/null is not a directory`},
		{"absolute rootfs", func(s *specs.Spec) { s.Root.Path = "/" }, ""},
		{"hook relative path", func(s *specs.Spec) {
			s.Hooks = &specs.Hooks{CreateRuntime: []specs.Hook{{Path: "/bin/true"}, {Path: "true"}}}
		}, `hooks.createRuntime[1].path "true": must be an absolute path`},
		{"hook zero timeout", func(s *specs.Spec) {
			s.Hooks = &specs.Hooks{Poststop: []specs.Hook{{Path: "/bin/true", Timeout: intPtr(0)}}}
		}, "hooks.poststop[0].timeout 0: must be a number of seconds greater than 0"},
		{"hook good timeout", func(s *specs.Spec) {
			s.Hooks = &specs.Hooks{StartContainer: []specs.Hook{{Path: "/bin/true", Timeout: intPtr(5)}}}
		}, ""},
		{"propagation", func(s *specs.Spec) { s.Linux.RootfsPropagation = "rslave" }, ""},
		{"bad propagation", func(s *specs.Spec) { s.Linux.RootfsPropagation = "slaves" }, `linux.rootfsPropagation "slaves": unknown propagation`},
		{"masked relative", func(s *specs.Spec) { s.Linux.MaskedPaths[2] = "proc/kcore" }, `linux.maskedPaths[2] "proc/kcore": must be an absolute path`},
		{"readonly relative", func(s *specs.Spec) { s.Linux.ReadonlyPaths[0] = "" }, `linux.readonlyPaths[0] "": must be an absolute path`},
	})
}

func TestValidateProcess(t *testing.T) {
	runValidateCases(t, []validateCase{
		{"no process", func(s *specs.Spec) { s.Process = nil }, "process: missing"},
		{"no args", func(s *specs.Spec) { s.Process.Args = nil }, "process.args: empty"},
		{"empty program", func(s *specs.Spec) { s.Process.Args = []string{"", "x"} }, "process.args[0]: empty"},
		{"no cwd", func(s *specs.Spec) { s.Process.Cwd = "" }, "process.cwd: missing"},
		{"relative cwd", func(s *specs.Spec) { s.Process.Cwd = "tmp" }, `process.cwd "tmp": must be an absolute path`},
		{"env without =", func(s *specs.Spec) { s.Process.Env = append(s.Process.Env, "FOO") }, `process.env[2] "FOO": want KEY=value`},
		{"env empty key", func(s *specs.Spec) { s.Process.Env = []string{"=x"} }, `process.env[0] "=x": want KEY=value`},
		{"env empty value", func(s *specs.Spec) { s.Process.Env = []string{"A="} }, ""},
		{"env NUL", func(s *specs.Spec) { s.Process.Env = []string{"A=\x00"} }, "process.env[0]"},
		{"arg NUL", func(s *specs.Spec) { s.Process.Args = []string{"sh", "-c", "a\x00b"} }, `process.args[2] "a\x00b": must not contain a NUL byte`},
		{"unknown rlimit", func(s *specs.Spec) {
			s.Process.Rlimits = append(s.Process.Rlimits, specs.POSIXRlimit{Type: "RLIMIT_FOO"})
		}, `process.rlimits[1].type "RLIMIT_FOO": unknown resource; want one of RLIMIT_AS,`},
		{"duplicate rlimit", func(s *specs.Spec) {
			s.Process.Rlimits = append(s.Process.Rlimits, specs.POSIXRlimit{Type: "RLIMIT_CORE"}, specs.POSIXRlimit{Type: "RLIMIT_NOFILE"})
		}, `process.rlimits[2].type "RLIMIT_NOFILE": duplicate of process.rlimits[0]`},
		{"soft above hard", func(s *specs.Spec) { s.Process.Rlimits[0].Soft = 2048 }, "process.rlimits[0]: soft limit 2048 is above hard limit 1024"},
		{"oom score", func(s *specs.Spec) { s.Process.OOMScoreAdj = intPtr(-1000) }, ""},
		{"oom score too high", func(s *specs.Spec) { s.Process.OOMScoreAdj = intPtr(1001) }, "process.oomScoreAdj 1001: out of range; want -1000 to 1000"},
		{"oom score too low", func(s *specs.Spec) { s.Process.OOMScoreAdj = intPtr(-1001) }, "process.oomScoreAdj -1001"},
		{"uid (uid_t)-1", func(s *specs.Spec) { s.Process.User.UID = 4294967295 }, "process.user.uid 4294967295: out of range; want 0 to 2147483647"},
		{"gid above 2^31-1", func(s *specs.Spec) { s.Process.User.GID = 1 << 31 }, "process.user.gid 2147483648: out of range"},
		{"additional gid -1", func(s *specs.Spec) { s.Process.User.AdditionalGids = []uint32{5, 4294967295} }, "process.user.additionalGids[1] 4294967295: out of range"},
		{"largest uid", func(s *specs.Spec) { s.Process.User.UID = 2147483647 }, ""},
		// Warnings only: Validate accepts them.
		{"unknown capability", func(s *specs.Spec) { s.Process.Capabilities.Bounding[1] = "CAP_FOO" }, ""},
		{"console size without terminal", func(s *specs.Spec) {
			s.Process.Terminal = false
			s.Process.ConsoleSize = &specs.Box{Height: 1, Width: 1}
		}, ""},
	})
}

func TestValidateMounts(t *testing.T) {
	bind := func(dst, src string, opts ...string) specs.Mount {
		return specs.Mount{Destination: dst, Source: src, Type: "none", Options: append([]string{"rbind"}, opts...)}
	}
	runValidateCases(t, []validateCase{
		{"bind mount", func(s *specs.Spec) { s.Mounts = append(s.Mounts, bind("/data", "/srv", "rro", "rprivate")) }, ""},
		{"relative destination", func(s *specs.Spec) { s.Mounts[1].Destination = "dev" }, ""},
		{"no destination", func(s *specs.Spec) { s.Mounts[2].Destination = "" }, "mounts[2].destination: missing"},
		{"root destination", func(s *specs.Spec) { s.Mounts[3].Destination = "/" }, `mounts[3].destination "/": cannot mount over the container's root`},
		{"root destination in disguise", func(s *specs.Spec) { s.Mounts[3].Destination = "/a/.." }, `mounts[3].destination "/a/.."`},
		{"relative root destination", func(s *specs.Spec) { s.Mounts[0].Destination = "." }, `mounts[0].destination ".": cannot mount`},
		{"bind without source", func(s *specs.Spec) { s.Mounts = append(s.Mounts, bind("/data", "")) }, "mounts[7].source: missing"},
		{"bind by type", func(s *specs.Spec) { s.Mounts = append(s.Mounts, specs.Mount{Destination: "/x", Type: "bind"}) }, "mounts[7].source: missing"},
		{"no type", func(s *specs.Spec) { s.Mounts[4].Type = "" }, "mounts[4].type: missing"},
		{"empty option", func(s *specs.Spec) { s.Mounts[1].Options[2] = "" }, "mounts[1].options[2]: empty option"},
		{"filesystem option", func(s *specs.Spec) { s.Mounts[1].Options = append(s.Mounts[1].Options, "nr_inodes=10") }, ""},
		{"idmap with user namespace", func(s *specs.Spec) {
			userns(s)
			s.Mounts = append(s.Mounts, bind("/data", "/srv", "idmap"))
		}, ""},
		{"idmap without mappings", func(s *specs.Spec) { s.Mounts = append(s.Mounts, bind("/data", "/srv", "ridmap")) },
			`mounts[7].options[1] "ridmap": needs mounts[7].uidMappings and gidMappings, or a user namespace`},
		{"idmap with mappings", func(s *specs.Spec) {
			m := bind("/data", "/srv", "idmap")
			m.UIDMappings = []specs.LinuxIDMapping{{HostID: 1000, Size: 10}}
			m.GIDMappings = []specs.LinuxIDMapping{{HostID: 1000, Size: 10}}
			s.Mounts = append(s.Mounts, m)
		}, ""},
		{"uid mappings only", func(s *specs.Spec) {
			m := bind("/data", "/srv", "idmap")
			m.UIDMappings = []specs.LinuxIDMapping{{HostID: 1000, Size: 10}}
			s.Mounts = append(s.Mounts, m)
		}, "mounts[7].gidMappings: missing"},
		{"mount mapping size 0", func(s *specs.Spec) {
			m := bind("/data", "/srv", "idmap")
			m.UIDMappings = []specs.LinuxIDMapping{{HostID: 1000, Size: 10}}
			m.GIDMappings = []specs.LinuxIDMapping{{HostID: 1000, Size: 10}, {}}
			s.Mounts = append(s.Mounts, m)
		}, "mounts[7].gidMappings[1].size: must be at least 1"},
		{"mappings without idmap option", func(s *specs.Spec) {
			m := bind("/data", "/srv")
			m.UIDMappings = []specs.LinuxIDMapping{{HostID: 1000, Size: 10}}
			m.GIDMappings = []specs.LinuxIDMapping{{HostID: 1000, Size: 10}}
			s.Mounts = append(s.Mounts, m)
		}, ""},
		{"mappings on a tmpfs", func(s *specs.Spec) {
			m := specs.Mount{Destination: "/data", Type: "tmpfs", Source: "tmpfs"}
			m.UIDMappings = []specs.LinuxIDMapping{{HostID: 1000, Size: 10}}
			m.GIDMappings = []specs.LinuxIDMapping{{HostID: 1000, Size: 10}}
			s.Mounts = append(s.Mounts, m)
		}, `mounts[7].uidMappings: only a bind mount can be idmapped; add "bind" or "rbind" to mounts[7].options`},
		{"idmap option on a tmpfs", func(s *specs.Spec) {
			userns(s)
			s.Mounts = append(s.Mounts, specs.Mount{Destination: "/data", Type: "tmpfs", Source: "tmpfs", Options: []string{"nosuid", "idmap"}})
		}, `mounts[7].options[1] "idmap": only a bind mount can be idmapped`},
		{"mount mapping past 2^32", func(s *specs.Spec) {
			m := bind("/data", "/srv", "idmap")
			m.UIDMappings = []specs.LinuxIDMapping{{HostID: 4294967295, Size: 2}}
			m.GIDMappings = []specs.LinuxIDMapping{{HostID: 1000, Size: 10}}
			s.Mounts = append(s.Mounts, m)
		}, "mounts[7].uidMappings[0]: range of 2 ids"},
		{"overlapping container ranges", func(s *specs.Spec) {
			m := bind("/data", "/srv", "ridmap")
			m.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 10}, {ContainerID: 9, HostID: 2000, Size: 1}}
			m.GIDMappings = []specs.LinuxIDMapping{{HostID: 1000, Size: 10}}
			s.Mounts = append(s.Mounts, m)
		}, "mounts[7].uidMappings[1]: containerID range overlaps mounts[7].uidMappings[0]"},
		{"overlapping host ranges", func(s *specs.Spec) {
			m := bind("/data", "/srv", "idmap")
			m.UIDMappings = []specs.LinuxIDMapping{{HostID: 1000, Size: 10}}
			m.GIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 10}, {ContainerID: 10, HostID: 1005, Size: 10}}
			s.Mounts = append(s.Mounts, m)
		}, "mounts[7].gidMappings[1]: hostID range overlaps mounts[7].gidMappings[0]"},
		{"adjacent ranges", func(s *specs.Spec) {
			m := bind("/data", "/srv", "idmap")
			m.UIDMappings = []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 10}, {ContainerID: 10, HostID: 1010, Size: 10}}
			m.GIDMappings = []specs.LinuxIDMapping{{HostID: 1000, Size: 10}}
			s.Mounts = append(s.Mounts, m)
		}, ""},
		{"too many ranges", func(s *specs.Spec) {
			m := bind("/data", "/srv", "idmap")
			for i := range uint32(341) {
				m.UIDMappings = append(m.UIDMappings, specs.LinuxIDMapping{ContainerID: i, HostID: 1000 + i, Size: 1})
			}
			m.GIDMappings = []specs.LinuxIDMapping{{HostID: 1000, Size: 10}}
			s.Mounts = append(s.Mounts, m)
		}, "mounts[7].uidMappings: 341 ranges; the kernel takes at most 340"},
	})
}

func TestIDMapping(t *testing.T) {
	maps := []specs.LinuxIDMapping{{HostID: 1000, Size: 1}}
	for _, tt := range []struct {
		name              string
		m                 specs.Mount
		mapped, recursive bool
	}{
		{"plain bind", specs.Mount{Options: []string{"rbind"}}, false, false},
		{"idmap", specs.Mount{Options: []string{"rbind", "idmap"}}, true, false},
		{"ridmap", specs.Mount{Options: []string{"bind", "ridmap"}}, true, true},
		{"later option wins", specs.Mount{Options: []string{"ridmap", "idmap"}}, true, false},
		{"mappings alone", specs.Mount{Options: []string{"rbind"}, UIDMappings: maps, GIDMappings: maps}, true, false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mapped, recursive := IDMapping(tt.m)
			if mapped != tt.mapped || recursive != tt.recursive {
				t.Errorf("IDMapping = %v, %v; want %v, %v", mapped, recursive, tt.mapped, tt.recursive)
			}
		})
	}
}

func TestValidateNamespaces(t *testing.T) {
	runValidateCases(t, []validateCase{
		{"unknown type", func(s *specs.Spec) { s.Linux.Namespaces[1].Type = "net" }, `linux.namespaces[1].type "net": unknown namespace type; want one of cgroup, ipc, mount,`},
		{"duplicate", func(s *specs.Spec) {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.IPCNamespace})
		}, `linux.namespaces[5].type "ipc": duplicate of linux.namespaces[2]`},
		{"relative path", func(s *specs.Spec) { s.Linux.Namespaces[0].Path = "proc/1/ns/pid" }, `linux.namespaces[0].path "proc/1/ns/pid": must be an absolute path`},
		{"joined path", func(s *specs.Spec) { s.Linux.Namespaces[0].Path = "/proc/1/ns/pid" }, ""},
		{"user namespace", userns, ""},
		{"user namespace without uid mappings", func(s *specs.Spec) { userns(s); s.Linux.UIDMappings = nil }, "linux.uidMappings: missing"},
		{"user namespace without gid mappings", func(s *specs.Spec) { userns(s); s.Linux.GIDMappings = nil }, "linux.gidMappings: missing"},
		{"joined user namespace", func(s *specs.Spec) {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.UserNamespace, Path: "/proc/1/ns/user"})
		}, ""},
		{"mappings without user namespace", func(s *specs.Spec) { userns(s); removeNamespace(s, specs.UserNamespace) },
			`linux.uidMappings: given without a user namespace; add {"type": "user"}`},
		{"gid mappings without user namespace", func(s *specs.Spec) {
			s.Linux.GIDMappings = []specs.LinuxIDMapping{{Size: 1}}
		}, "linux.gidMappings: given without a user namespace"},
		{"mapping size 0", func(s *specs.Spec) { userns(s); s.Linux.UIDMappings[0].Size = 0 }, "linux.uidMappings[0].size: must be at least 1"},
		{"mapping overflow", func(s *specs.Spec) {
			userns(s)
			s.Linux.GIDMappings = append(s.Linux.GIDMappings, specs.LinuxIDMapping{ContainerID: 1, HostID: 4294967295, Size: 2})
		}, "linux.gidMappings[1]: range of 2 ids"},
		{"too many uid ranges", func(s *specs.Spec) {
			userns(s)
			s.Linux.UIDMappings = nil
			for i := range uint32(341) {
				s.Linux.UIDMappings = append(s.Linux.UIDMappings, specs.LinuxIDMapping{ContainerID: i, HostID: 100000 + i, Size: 1})
			}
		}, "linux.uidMappings: 341 ranges; the kernel takes at most 340"},
		{"overlapping container ids", func(s *specs.Spec) {
			userns(s)
			s.Linux.UIDMappings = append(s.Linux.UIDMappings, specs.LinuxIDMapping{ContainerID: 0, HostID: 2000, Size: 5})
		}, "linux.uidMappings[1]: containerID range overlaps linux.uidMappings[0]"},
		{"overlapping host ids", func(s *specs.Spec) {
			userns(s)
			s.Linux.GIDMappings = append(s.Linux.GIDMappings, specs.LinuxIDMapping{ContainerID: 10, HostID: 1000, Size: 5})
		}, "linux.gidMappings[1]: hostID range overlaps linux.gidMappings[0]"},
		{"adjacent ranges", func(s *specs.Spec) {
			userns(s)
			s.Linux.UIDMappings = append(s.Linux.UIDMappings, specs.LinuxIDMapping{ContainerID: 1, HostID: 1001, Size: 5})
		}, ""},
		{"time offsets", func(s *specs.Spec) {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.TimeNamespace})
			s.Linux.TimeOffsets = map[string]specs.LinuxTimeOffset{"monotonic": {Secs: -5}, "boottime": {Nanosecs: 999999999}}
		}, ""},
		{"time offsets without namespace", func(s *specs.Spec) {
			s.Linux.TimeOffsets = map[string]specs.LinuxTimeOffset{"monotonic": {Secs: 5}}
		}, `linux.timeOffsets: given without a time namespace`},
		{"time offsets when joining", func(s *specs.Spec) {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.TimeNamespace, Path: "/proc/1/ns/time"})
			s.Linux.TimeOffsets = map[string]specs.LinuxTimeOffset{"monotonic": {Secs: 5}}
		}, "linux.timeOffsets: cannot be set when joining"},
		{"unknown clock", func(s *specs.Spec) {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.TimeNamespace})
			s.Linux.TimeOffsets = map[string]specs.LinuxTimeOffset{"realtime": {Secs: 5}}
		}, "linux.timeOffsets.realtime: unknown clock; want monotonic or boottime"},
		{"nanoseconds", func(s *specs.Spec) {
			s.Linux.Namespaces = append(s.Linux.Namespaces, specs.LinuxNamespace{Type: specs.TimeNamespace})
			s.Linux.TimeOffsets = map[string]specs.LinuxTimeOffset{"boottime": {Nanosecs: 1e9}}
		}, "linux.timeOffsets.boottime.nanosecs 1000000000: must be below"},
		{"hostname without uts", func(s *specs.Spec) { removeNamespace(s, specs.UTSNamespace) }, `hostname "runc": needs the container's own uts namespace`},
		{"domainname without uts", func(s *specs.Spec) {
			s.Hostname, s.Domainname = "", "example.org"
			removeNamespace(s, specs.UTSNamespace)
		}, `domainname "example.org": needs the container's own uts namespace`},
		{"hostname in host uts", func(s *specs.Spec) { setNamespacePath(s, specs.UTSNamespace, "/proc/self/ns/uts") }, `hostname "runc": needs the container's own uts namespace; linux.namespaces[3].path "/proc/self/ns/uts" is the host's`},
		{"hostname in other uts", func(s *specs.Spec) { setNamespacePath(s, specs.UTSNamespace, "/run/netns/not-ours") }, ""},
		{"no hostname no uts", func(s *specs.Spec) { s.Hostname = ""; removeNamespace(s, specs.UTSNamespace) }, ""},
	})
}

func TestValidateSysctl(t *testing.T) {
	sysctl := func(key string) func(*specs.Spec) {
		return func(s *specs.Spec) { s.Linux.Sysctl = map[string]string{key: "1"} }
	}
	both := func(a, b func(*specs.Spec)) func(*specs.Spec) {
		return func(s *specs.Spec) { a(s); b(s) }
	}
	runValidateCases(t, []validateCase{
		{"net", sysctl("net.ipv4.ip_forward"), ""},
		{"net slash form", sysctl("net/ipv4/conf/eth0.1/forwarding"), ""},
		{"ipc", sysctl("kernel.shmmax"), ""},
		{"sem", sysctl("kernel.sem"), ""},
		{"mqueue", sysctl("fs.mqueue.msg_max"), ""},
		{"domainname", sysctl("kernel.domainname"), ""},
		{"net in host", both(sysctl("net.ipv4.ip_forward"), func(s *specs.Spec) { removeNamespace(s, specs.NetworkNamespace) }),
			`linux.sysctl["net.ipv4.ip_forward"]: needs the container's own network namespace; add {"type": "network"}`},
		{"net in joined host", both(sysctl("net.core.somaxconn"), func(s *specs.Spec) {
			setNamespacePath(s, specs.NetworkNamespace, "/proc/self/ns/net")
		}), `linux.sysctl["net.core.somaxconn"]: needs the container's own network namespace; linux.namespaces[1].path "/proc/self/ns/net" is the host's`},
		{"ipc in host", both(sysctl("kernel.msgmax"), func(s *specs.Spec) { removeNamespace(s, specs.IPCNamespace) }),
			`linux.sysctl["kernel.msgmax"]: needs the container's own ipc namespace`},
		{"domainname in host", both(sysctl("kernel.domainname"), func(s *specs.Spec) {
			s.Hostname = ""
			removeNamespace(s, specs.UTSNamespace)
		}), `linux.sysctl["kernel.domainname"]: needs the container's own uts namespace`},
		{"hostname", sysctl("kernel.hostname"), `linux.sysctl["kernel.hostname"]: conflicts with the hostname field`},
		{"not namespaced", sysctl("vm.swappiness"), `linux.sysctl["vm.swappiness"]: not namespaced`},
		{"not namespaced slash form", sysctl("kernel/panic"), `linux.sysctl["kernel/panic"]: not namespaced`},
	})
}

func TestValidateDevices(t *testing.T) {
	dev := func(d specs.LinuxDevice) func(*specs.Spec) {
		return func(s *specs.Spec) {
			s.Linux.Devices = []specs.LinuxDevice{{Path: "/dev/null", Type: "c", Major: 1, Minor: 3}, d}
		}
	}
	runValidateCases(t, []validateCase{
		{"char", dev(specs.LinuxDevice{Path: "/dev/fuse", Type: "c", Major: 10, Minor: 229}), ""},
		{"fifo", dev(specs.LinuxDevice{Path: "/dev/fifo", Type: "p"}), ""},
		{"unknown type", dev(specs.LinuxDevice{Path: "/dev/x", Type: "x", Major: 1}), `linux.devices[1].type "x": unknown device type; want c, b, u or p`},
		{"relative path", dev(specs.LinuxDevice{Path: "dev/x", Type: "b", Major: 8}), `linux.devices[1].path "dev/x": must be an absolute path`},
		{"no numbers", dev(specs.LinuxDevice{Path: "/dev/x", Type: "u"}), `linux.devices[1]: type "u" needs major and minor`},
		{"negative", dev(specs.LinuxDevice{Path: "/dev/x", Type: "c", Major: -1, Minor: 1}), "linux.devices[1]: negative device number -1:1"},
		{"same path twice", dev(specs.LinuxDevice{Path: "/dev//null", Type: "c", Major: 1, Minor: 3}), `linux.devices[1].path "/dev//null": duplicate of linux.devices[0]`},
		{"null that is not null", func(s *specs.Spec) {
			s.Linux.Devices = []specs.LinuxDevice{{Path: "/dev/null", Type: "b", Major: 7, Minor: 0}}
		}, `linux.devices[0].path "/dev/null": must be the null device`},
		{"null that is not null, nothing masked", func(s *specs.Spec) {
			s.Linux.MaskedPaths = nil
			s.Linux.Devices = []specs.LinuxDevice{{Path: "/dev/null", Type: "b", Major: 7, Minor: 0}}
		}, ""},
		{"unbuffered null", func(s *specs.Spec) {
			s.Linux.Devices = []specs.LinuxDevice{{Path: "/dev/null", Type: "u", Major: 1, Minor: 3}}
		}, ""},
	})
}

func TestWarnings(t *testing.T) {
	tests := []struct {
		name   string
		change func(s *specs.Spec)
		want   string
	}{
		{"unknown capability", func(s *specs.Spec) { s.Process.Capabilities.Ambient[2] = "CAP_FOO" },
			`process.capabilities.ambient[2] "CAP_FOO": unknown capability; want a name from capabilities(7) such as CAP_NET_BIND_SERVICE`},
		{"capability hint", func(s *specs.Spec) { s.Process.Capabilities.Inheritable = []string{"sys_admin"} },
			`process.capabilities.inheritable[0] "sys_admin": unknown capability; did you mean CAP_SYS_ADMIN?`},
		{"console size", func(s *specs.Spec) {
			s.Process.Terminal = false
			s.Process.ConsoleSize = &specs.Box{Height: 24, Width: 80}
		}, "process.consoleSize: ignored because process.terminal is false"},
		{"relative destination", func(s *specs.Spec) { s.Mounts[1].Destination = "dev" },
			`mounts[1].destination "dev": relative destinations are deprecated; it is taken as /dev`},
		{"bind option typo", func(s *specs.Spec) {
			s.Mounts = append(s.Mounts, specs.Mount{Destination: "/d", Source: "/s", Options: []string{"bind", "rpivate"}})
		}, `mounts[7].options[1] "rpivate": unknown option, ignored by a bind mount`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := Default()
			tt.change(s)
			got := Warnings(s)
			if len(got) != 1 || got[0].Error() != tt.want {
				t.Errorf("got  %v\nwant [%s]", got, tt.want)
			}
			if err := Validate(s, bundleWithRootfs(t)); err != nil {
				t.Errorf("a warning must not fail Validate: %v", err)
			}
		})
	}
}

func TestKnownTables(t *testing.T) {
	if len(Capabilities) != 41 || Capabilities[21] != "CAP_SYS_ADMIN" || Capabilities[40] != "CAP_CHECKPOINT_RESTORE" {
		t.Error("Capabilities must list capabilities(7) in number order")
	}
	for _, name := range []string{"bind", "rbind", "idmap", "ridmap", "rro", "rprivate", "nosymfollow", "tmpcopyup", "rrelatime"} {
		if _, ok := MountOptions[name]; !ok {
			t.Errorf("MountOptions lacks %q", name)
		}
	}
	// The runtime-spec 1.3 table has 61 options; rnodev is missing from it (an oversight: rdev is
	// there) and berth has it too.
	if len(MountOptions) != 62 {
		t.Errorf("MountOptions has %d entries, want the 61 of the runtime-spec 1.3 table and rnodev", len(MountOptions))
	}
	if len(Rlimits) != 16 || len(Namespaces) != 8 {
		t.Errorf("got %d rlimits and %d namespace types, want 16 and 8", len(Rlimits), len(Namespaces))
	}
}

// TestValidateAll: every failing check is reported, in config order, and the first is what
// Validate returns.
func TestValidateAll(t *testing.T) {
	bundle := bundleWithRootfs(t)
	s := Default()
	s.Process.Cwd = "tmp"
	s.Process.User.UID = 4294967295
	s.Linux.MaskedPaths = []string{"relative"}
	errs := ValidateAll(s, bundle)
	want := []string{`process.cwd "tmp"`, "process.user.uid 4294967295", `linux.maskedPaths[0] "relative"`}
	if len(errs) != len(want) {
		t.Fatalf("ValidateAll = %v, want %d errors", errs, len(want))
	}
	for i, w := range want {
		if !strings.Contains(errs[i].Error(), w) {
			t.Errorf("error %d = %v, want it to name %s", i, errs[i], w)
		}
	}
	if err := Validate(s, bundle); err == nil || err.Error() != errs[0].Error() {
		t.Errorf("Validate = %v, want the first of ValidateAll", err)
	}
	if errs := ValidateAll(Default(), bundle); len(errs) != 0 {
		t.Errorf("ValidateAll(default) = %v", errs)
	}
}
