package spec

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestValidateNetDevices(t *testing.T) {
	devices := func(devs map[string]string) func(*specs.Spec) {
		return func(s *specs.Spec) {
			s.Linux.NetDevices = map[string]specs.LinuxNetDevice{}
			for host, name := range devs {
				s.Linux.NetDevices[host] = specs.LinuxNetDevice{Name: name}
			}
		}
	}
	and := func(a, b func(*specs.Spec)) func(*specs.Spec) {
		return func(s *specs.Spec) { a(s); b(s) }
	}
	runValidateCases(t, []validateCase{
		{"kept name", devices(map[string]string{"eth9": ""}), ""},
		{"renamed", devices(map[string]string{"eth9": "ctr0"}), ""},
		{"vlan-style name", devices(map[string]string{"eth0.100": "vlan100"}), ""},
		{"template", devices(map[string]string{"eth8": "net%d", "eth9": "net%d"}), ""},
		{"joined network namespace", and(devices(map[string]string{"eth9": ""}), func(s *specs.Spec) {
			setNamespacePath(s, specs.NetworkNamespace, "/run/netns/x")
		}), ""},
		{"no network namespace", and(devices(map[string]string{"eth9": ""}), func(s *specs.Spec) {
			removeNamespace(s, specs.NetworkNamespace)
		}), `linux.netDevices: needs the container's own network namespace; add {"type": "network"}`},
		{"host's network namespace", and(devices(map[string]string{"eth9": ""}), func(s *specs.Spec) {
			setNamespacePath(s, specs.NetworkNamespace, "/proc/self/ns/net")
		}), `linux.netDevices: needs the container's own network namespace; linux.namespaces[1].path "/proc/self/ns/net" is the host's`},
		{"empty host name", devices(map[string]string{"": "x"}), `linux.netDevices[""]: not a network device name: empty`},
		{"long host name", devices(map[string]string{"abcdefghijklmnop": ""}), `linux.netDevices["abcdefghijklmnop"]: not a network device name: longer than 15 bytes`},
		{"slash", devices(map[string]string{"eth9": "a/b"}), `linux.netDevices["eth9"].name "a/b": not a network device name: contains /, : or white space`},
		{"colon", devices(map[string]string{"eth9:1": ""}), `linux.netDevices["eth9:1"]: not a network device name: contains /, : or white space`},
		{"dot dot", devices(map[string]string{"eth9": ".."}), `linux.netDevices["eth9"].name "..": not a network device name: not allowed`},
		{"percent in host name", devices(map[string]string{"eth%d": ""}), `linux.netDevices["eth%d"]: not a network device name: contains %`},
		{"bad template", devices(map[string]string{"eth9": "n%s"}), `linux.netDevices["eth9"].name "n%s": not a network device name: a template has one %d and no other %`},
		{"two templates", devices(map[string]string{"eth9": "n%d%d"}), `a template has one %d and no other %`},
		{"loopback", devices(map[string]string{"lo": "lo0"}), `linux.netDevices["lo"]: the loopback device belongs to its namespace`},
		{"same name twice", devices(map[string]string{"eth8": "ctr0", "eth9": "ctr0"}), `linux.netDevices["eth9"].name "ctr0": linux.netDevices["eth8"] gets that name too`},
		{"renamed onto another's host name", devices(map[string]string{"eth8": "", "eth9": "eth8"}), `linux.netDevices["eth9"].name "eth8": linux.netDevices["eth8"] gets that name too`},
	})
}
