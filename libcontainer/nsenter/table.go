//go:build linux && cgo

package nsenter

/*
#define _GNU_SOURCE
#include "nsenter.h"

static unsigned long unshare_allowed(void) { return UNSHARE_ALLOWED; }
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

// cUnshareAllowed returns UNSHARE_ALLOWED (nsenter.h), the flags _BERTH_UNSHARE may hold.
func cUnshareAllowed() uintptr { return uintptr(C.unshare_allowed()) }
