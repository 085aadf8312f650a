//go:build linux && cgo

package nsenter

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/berth-runtime/berth/spec"
)

// TestCTableMatchesSpecNamespaces: the C constructor names namespaces in _BERTH_NS_FDS and
// unshares them by flag from its own table; it must agree with spec.Namespaces, which the host
// side builds that environment from.
func TestCTableMatchesSpecNamespaces(t *testing.T) {
	c := cNamespaces()
	if len(c) != len(spec.Namespaces) {
		t.Errorf("ns_kinds has %d distinct names, spec.Namespaces %d entries", len(c), len(spec.Namespaces))
	}
	for _, ns := range spec.Namespaces {
		t.Run(string(ns.Type), func(t *testing.T) {
			flag, ok := c[ns.Proc]
			switch {
			case !ok:
				t.Errorf("ns_kinds lacks %q", ns.Proc)
			case flag != ns.Flag:
				t.Errorf("ns_kinds %q has flag %#x, spec.Namespaces %#x", ns.Proc, flag, ns.Flag)
			}
		})
	}
}

// TestCUnshareAllowed: nsenter may unshare every namespace of the table but user, which the host
// makes with clone (its id maps need a process outside).
func TestCUnshareAllowed(t *testing.T) {
	var want uintptr
	for _, ns := range spec.Namespaces {
		if ns.Type != specs.UserNamespace {
			want |= ns.Flag
		}
	}
	if got := cUnshareAllowed(); got != want {
		t.Errorf("UNSHARE_ALLOWED = %#x, want %#x", got, want)
	}
}
