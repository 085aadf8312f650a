package main

import (
	"os"
	"strconv"
)

// listenFds is how many socket-activation fds systemd handed us (LISTEN_FDS): they go to the
// container as 3 .. 3+N-1, before the --preserve-fds ones, as with runc.
func listenFds() int {
	n, err := strconv.Atoi(os.Getenv("LISTEN_FDS"))
	if err != nil || n < 0 {
		return 0
	}
	return n
}
