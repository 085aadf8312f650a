package seccomp

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/berth-runtime/berth/libcontainer/fdpass"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// SendNotifyFd connects to the seccomp agent at listenerPath and sends it, on one new
// connection, the container process state (runtime-spec config-linux.md "The Container Process
// State") as JSON with fd attached by SCM_RIGHTS, then closes the connection. st.Pid is the
// container process as seen by the runtime; metadata is linux.seccomp.listenerMetadata.
// It is meant for the host side, where listenerPath resolves.
func SendNotifyFd(listenerPath string, fd *os.File, st *specs.State, metadata string) error {
	msg, err := json.Marshal(specs.ContainerProcessState{
		Version:  specs.Version,
		Fds:      []string{specs.SeccompFdName},
		Pid:      st.Pid,
		Metadata: metadata,
		State:    *st,
	})
	if err != nil {
		return fmt.Errorf("linux.seccomp.listenerPath %q: encode state: %w", listenerPath, err)
	}
	// One sendmsg carries the whole JSON and the fd: the spec wants the fds in the first call.
	if err := fdpass.SendTo(listenerPath, msg, int(fd.Fd())); err != nil {
		return fmt.Errorf("linux.seccomp.listenerPath %q: send state: %w", listenerPath, err)
	}
	return nil
}
