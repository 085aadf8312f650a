package seccomp

import (
	"encoding/json"
	"fmt"
	"net"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
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
	conn, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: listenerPath, Net: "unix"})
	if err != nil {
		return fmt.Errorf("linux.seccomp.listenerPath %q: %w", listenerPath, err)
	}
	defer conn.Close()
	// One sendmsg carries the whole JSON and the fd: the spec wants the fds in the first call.
	n, oobn, err := conn.WriteMsgUnix(msg, unix.UnixRights(int(fd.Fd())), nil)
	if err != nil {
		return fmt.Errorf("linux.seccomp.listenerPath %q: send state: %w", listenerPath, err)
	}
	if n != len(msg) || oobn == 0 {
		return fmt.Errorf("linux.seccomp.listenerPath %q: send state: short write (%d of %d bytes)", listenerPath, n, len(msg))
	}
	return nil
}
