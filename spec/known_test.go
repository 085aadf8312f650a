package spec

import (
	"os"
	"testing"

	"golang.org/x/sys/unix"
)

// TestNamespacesMatchTheKernel: each entry's /proc name opens a namespace whose type, as the
// kernel reports it (NS_GET_NSTYPE returns the clone flag), is the entry's flag.
func TestNamespacesMatchTheKernel(t *testing.T) {
	seen := map[string]bool{}
	for _, ns := range Namespaces {
		t.Run(string(ns.Type), func(t *testing.T) {
			if seen[ns.Proc] {
				t.Fatalf("%q twice", ns.Proc)
			}
			seen[ns.Proc] = true
			f, err := os.Open("/proc/self/ns/" + ns.Proc)
			if err != nil {
				t.Skip(err) // a kernel without this namespace type
			}
			defer f.Close()
			got, err := unix.IoctlRetInt(int(f.Fd()), unix.NS_GET_NSTYPE)
			if err != nil {
				t.Fatal(err)
			}
			if uintptr(got) != ns.Flag {
				t.Errorf("NS_GET_NSTYPE = %#x, table says %#x", got, ns.Flag)
			}
			if back, ok := NamespaceOfFlag(ns.Flag); !ok || back != ns {
				t.Errorf("NamespaceOfFlag(%#x) = %v, %v", ns.Flag, back, ok)
			}
		})
	}
}
