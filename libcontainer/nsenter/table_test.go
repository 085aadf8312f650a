//go:build linux && cgo

package nsenter

import (
	"testing"

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
