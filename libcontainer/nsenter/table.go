//go:build linux && cgo

package nsenter

/*
#include "nsenter.h"
*/
import "C"

// cNamespaces returns the C table ns_kinds (parse.c) as /proc name -> clone flag, so that a
// test can check it against spec.Namespaces, the Go side's one table.
func cNamespaces() map[string]uintptr {
	out := make(map[string]uintptr, C.NS_COUNT)
	for i := 0; i < C.NS_COUNT; i++ {
		k := C.ns_kinds[i]
		out[C.GoString(k.name)] = uintptr(k.flag)
	}
	return out
}
