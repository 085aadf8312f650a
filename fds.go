package main

import (
	"os"
	"strconv"
)

// preservedFdCount adds the socket-activation fds (LISTEN_FDS, as systemd passes them) to
// --preserve-fds: both are handed to the container as 3 .. 3+N-1.
func preservedFdCount(flag int) int {
	n := flag
	if listen, err := strconv.Atoi(os.Getenv("LISTEN_FDS")); err == nil && listen > n {
		n = listen
	}
	if n < 0 {
		n = 0
	}
	return n
}
