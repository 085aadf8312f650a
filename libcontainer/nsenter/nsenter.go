//go:build linux && cgo

package nsenter

// Importing "C" is all the Go side does: it makes cgo compile nsenter.c into the binary, and
// its constructor is what runs. Any package that imports this one (blank import) gets it.

/*
#cgo CFLAGS: -Wall -Wextra -std=gnu11
*/
import "C"
