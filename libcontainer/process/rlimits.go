// Package process applies config.json's process attributes inside the container's init, in the
// order the kernel needs them, and replaces init with the user's program.
//
// Everything here runs on init's main thread (locked to its OS thread): capabilities and
// no_new_privs belong to a thread, and execve carries the calling thread's.
package process

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Rlimits maps the spec's rlimit names to the kernel's resource numbers.
var Rlimits = map[string]int{
	"RLIMIT_AS":         unix.RLIMIT_AS,
	"RLIMIT_CORE":       unix.RLIMIT_CORE,
	"RLIMIT_CPU":        unix.RLIMIT_CPU,
	"RLIMIT_DATA":       unix.RLIMIT_DATA,
	"RLIMIT_FSIZE":      unix.RLIMIT_FSIZE,
	"RLIMIT_LOCKS":      unix.RLIMIT_LOCKS,
	"RLIMIT_MEMLOCK":    unix.RLIMIT_MEMLOCK,
	"RLIMIT_MSGQUEUE":   unix.RLIMIT_MSGQUEUE,
	"RLIMIT_NICE":       unix.RLIMIT_NICE,
	"RLIMIT_NOFILE":     unix.RLIMIT_NOFILE,
	"RLIMIT_NPROC":      unix.RLIMIT_NPROC,
	"RLIMIT_RSS":        unix.RLIMIT_RSS,
	"RLIMIT_RTPRIO":     unix.RLIMIT_RTPRIO,
	"RLIMIT_RTTIME":     unix.RLIMIT_RTTIME,
	"RLIMIT_SIGPENDING": unix.RLIMIT_SIGPENDING,
	"RLIMIT_STACK":      unix.RLIMIT_STACK,
}

// SetRlimits applies process.rlimits to init; the user's program inherits them through execve.
func SetRlimits(p *specs.Process) error {
	for i, rl := range p.Rlimits {
		res, ok := Rlimits[rl.Type]
		if !ok {
			return fmt.Errorf("process.rlimits[%d].type %q: unknown rlimit", i, rl.Type)
		}
		lim := unix.Rlimit{Cur: rl.Soft, Max: rl.Hard}
		if err := unix.Prlimit(0, res, &lim, nil); err != nil {
			return fmt.Errorf("process.rlimits[%d] %s soft %d hard %d: %w", i, rl.Type, rl.Soft, rl.Hard, err)
		}
	}
	return nil
}
