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

	"github.com/berth-runtime/berth/spec"
)

// SetRlimits applies process.rlimits to init; the user's program inherits them through execve.
func SetRlimits(p *specs.Process) error {
	for i, rl := range p.Rlimits {
		res, ok := spec.Rlimits[rl.Type]
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
