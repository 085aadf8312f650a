package container

import (
	"fmt"
	"path/filepath"

	"github.com/berth-runtime/berth/libcontainer/fdpass"
)

// sendPidfd sends a pidfd for init to the unix socket at path (--pidfd-socket), so that a
// supervisor can wait on and signal the container without PID races.
func sendPidfd(path string, pidfd int) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return err
	}
	if err := fdpass.SendTo(abs, []byte("pidfd"), pidfd); err != nil {
		return fmt.Errorf("send pidfd: %w", err)
	}
	return nil
}
