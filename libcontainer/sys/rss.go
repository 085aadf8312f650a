package sys

import (
	"bytes"
	"os"
	"strconv"
)

// PeakRSSKiB is the peak resident set size of the calling process's memory so far (VmHWM in
// /proc/self/status), in KiB; 0 if it cannot be read. --debug records it with every phase. Not
// getrusage's ru_maxrss: that one survives execve, so a process started by vfork, as init is,
// reports its parent's.
//
// Only for a process whose /proc is the host's: in a container's mount namespace /proc is the
// container's to fake or to block. Init opens its status file while it still sees the host's
// (OpenStatus) and reads it later with StatusPeakRSSKiB.
func PeakRSSKiB() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	return statusKiB(data, "VmHWM:")
}

// OpenStatus opens the calling process's /proc/self/status, to be read by StatusPeakRSSKiB
// after the process has left the host's view of /proc.
func OpenStatus() (*os.File, error) { return os.Open("/proc/self/status") }

// StatusPeakRSSKiB is PeakRSSKiB read from a status file OpenStatus opened; 0 for nil.
func StatusPeakRSSKiB(status *os.File) int64 {
	if status == nil {
		return 0
	}
	buf := make([]byte, 4096)
	n, err := status.ReadAt(buf, 0)
	if n == 0 && err != nil {
		return 0
	}
	return statusKiB(buf[:n], "VmHWM:")
}

// statusKiB reads the "<key>   <n> kB" line of a /proc/PID/status.
func statusKiB(status []byte, key string) int64 {
	_, rest, ok := bytes.Cut(status, []byte("\n"+key))
	if !ok {
		return 0
	}
	line, _, _ := bytes.Cut(rest, []byte("\n"))
	n, err := strconv.ParseInt(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(line), []byte("kB")))), 10, 64)
	if err != nil {
		return 0
	}
	return n
}
