package container

import (
	"fmt"
	"path/filepath"
	"strconv"

	"github.com/berth-runtime/berth/libcontainer/fdpass"
	"github.com/berth-runtime/berth/libcontainer/state"
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

// publishPid tells the caller about a new process (init or an exec'd one): its pid in pidFile
// (--pid-file, written atomically) and a pidfd sent to pidfdSocket (--pidfd-socket).
func publishPid(pid, pidfd int, pidFile, pidfdSocket string) error {
	if pidFile != "" {
		abs, err := filepath.Abs(pidFile)
		if err != nil {
			return fmt.Errorf("--pid-file: %w", err)
		}
		if err := state.WriteFileAtomic(abs, []byte(strconv.Itoa(pid)), 0o644); err != nil {
			return fmt.Errorf("--pid-file: %w", err)
		}
	}
	if pidfdSocket != "" {
		if err := sendPidfd(pidfdSocket, pidfd); err != nil {
			return fmt.Errorf("--pidfd-socket: %w", err)
		}
	}
	return nil
}
