package cgroups

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Pids is the container's task count against its pids limit.
type Pids struct {
	Current int64
	Max     int64  // -1: no limit (or no pids controller)
	Hits    uint64 // forks the limit refused so far (pids.events "max")
}

// Free is how many more tasks the limit allows; -1 without a limit.
func (p Pids) Free() int64 {
	if p.Max < 0 {
		return -1
	}
	return max(p.Max-p.Current, 0)
}

// PidsUsage reads pids.current, pids.max and pids.events of the container's cgroup, the same
// files on v1 and v2.
func (m *Manager) PidsUsage() (Pids, error) {
	p := Pids{Max: -1}
	dir := m.m.Path("pids")
	if dir == "" {
		return p, nil
	}
	read := func(name string) (string, error) {
		data, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			return "", fmt.Errorf("read cgroup %s: %w", name, err)
		}
		return strings.TrimSpace(string(data)), nil
	}
	s, err := read("pids.max")
	if err != nil {
		return p, err
	}
	if s != "max" {
		if p.Max, err = strconv.ParseInt(s, 10, 64); err != nil {
			return p, fmt.Errorf("cgroup pids.max %q: %w", s, err)
		}
	}
	if s, err = read("pids.current"); err != nil {
		return p, err
	}
	if p.Current, err = strconv.ParseInt(s, 10, 64); err != nil {
		return p, fmt.Errorf("cgroup pids.current %q: %w", s, err)
	}
	if s, err = read("pids.events"); err != nil {
		return p, err
	}
	p.Hits = pidsEventsMax(s)
	return p, nil
}

// pidsEventsMax is the "max" count of a pids.events file (0 when absent).
func pidsEventsMax(events string) uint64 {
	sc := bufio.NewScanner(bytes.NewBufferString(events))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "max "); ok {
			n, _ := strconv.ParseUint(v, 10, 64)
			return n
		}
	}
	return 0
}
