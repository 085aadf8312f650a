// Package sys holds tiny helpers over Linux system calls and /proc that both the host side and
// the init side use.
package sys

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ProcStat is what berth needs from /proc/PID/stat to tell whether a PID still is the process it
// started: its state letter and its start time in clock ticks since boot (field 22).
type ProcStat struct {
	State     byte
	StartTime uint64
}

// Dead reports whether the process has exited, even if nobody reaped it yet (a zombie).
func (s ProcStat) Dead() bool { return s.State == 'Z' || s.State == 'X' || s.State == 'x' }

// ErrNoProcess means /proc has no such PID.
var ErrNoProcess = errors.New("no such process")

// ReadProcStat reads /proc/PID/stat.
func ReadProcStat(pid int) (ProcStat, error) {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, errors.ErrUnsupported) {
			return ProcStat{}, ErrNoProcess
		}
		return ProcStat{}, err
	}
	return ParseProcStat(string(data))
}

// ParseProcStat parses the text of /proc/PID/stat. The command name (field 2) may hold spaces and
// parentheses, so fields are counted from the last ')'.
func ParseProcStat(text string) (ProcStat, error) {
	end := strings.LastIndexByte(text, ')')
	if end < 0 || end+2 >= len(text) {
		return ProcStat{}, fmt.Errorf("parse /proc stat: no command field")
	}
	fields := strings.Fields(text[end+2:])
	// fields[0] is field 3 (state); start time is field 22, so fields[19].
	if len(fields) < 20 {
		return ProcStat{}, fmt.Errorf("parse /proc stat: %d fields after the command, want at least 20", len(fields))
	}
	start, err := strconv.ParseUint(fields[19], 10, 64)
	if err != nil {
		return ProcStat{}, fmt.Errorf("parse /proc stat start time: %w", err)
	}
	return ProcStat{State: fields[0][0], StartTime: start}, nil
}
