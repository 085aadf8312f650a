// Command recvfd is a test helper for --pidfd-socket: it listens on a unix socket, receives one
// fd over SCM_RIGHTS, and prints what the fd is (readlink of /proc/self/fd/N) and, for a pidfd,
// the PID it refers to (the Pid: line of its fdinfo).
package main

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: recvfd SOCKET")
		os.Exit(2)
	}
	if err := run(os.Args[1]); err != nil {
		fmt.Fprintln(os.Stderr, "recvfd:", err)
		os.Exit(1)
	}
}

func run(path string) error {
	// Listen under a temporary name and rename, so that the socket is ready once it exists.
	tmp := path + ".tmp"
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: tmp, Net: "unix"})
	if err != nil {
		return err
	}
	defer l.Close()
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	defer os.Remove(path)
	conn, err := l.AcceptUnix()
	if err != nil {
		return err
	}
	defer conn.Close()
	buf, oob := make([]byte, 64), make([]byte, unix.CmsgSpace(4))
	_, oobn, _, _, err := conn.ReadMsgUnix(buf, oob)
	if err != nil {
		return err
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		return fmt.Errorf("no fd received")
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		return fmt.Errorf("no fd received")
	}
	link, _ := os.Readlink("/proc/self/fd/" + strconv.Itoa(fds[0]))
	fmt.Println(link)
	info, _ := os.ReadFile("/proc/self/fdinfo/" + strconv.Itoa(fds[0]))
	for _, line := range strings.Split(string(info), "\n") {
		if strings.HasPrefix(line, "Pid:") {
			fmt.Println("pid", strings.TrimSpace(strings.TrimPrefix(line, "Pid:")))
		}
	}
	return nil
}
