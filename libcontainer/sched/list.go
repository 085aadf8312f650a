// Package sched applies the per-thread attributes that the runtime-spec gives a container's
// process: linux.personality, process.scheduler, process.ioPriority, process.execCPUAffinity and
// linux.memoryPolicy.
//
// Every one of them belongs to the calling thread and survives execve, so init must apply them
// on the thread that will exec (it is locked to it) and before it drops the capabilities that
// some of them need. Each Set function does nothing when its field is absent.
package sched

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// maxListIndex bounds the numbers in a CPU or node list. The kernel supports at most 8192 CPUs
// (CONFIG_NR_CPUS) and 1024 NUMA nodes; a bigger number is a typo, and would make us allocate
// a huge mask.
const maxListIndex = 8191

var errEmptyList = errors.New("empty list")

// parseList reads the kernel's list format, as in cpuset.cpus: comma-separated numbers and
// ranges, "0-3,7". Every number must be written in decimal without sign or spaces, every range
// must go upwards. The result is sorted and without duplicates.
func parseList(s string) ([]int, error) {
	if s == "" {
		return nil, errEmptyList
	}
	seen := map[int]bool{}
	for _, part := range strings.Split(s, ",") {
		lo, hi, err := parseRange(part)
		if err != nil {
			return nil, err
		}
		for i := lo; i <= hi; i++ {
			seen[i] = true
		}
	}
	out := make([]int, 0, len(seen))
	for i := range seen {
		out = append(out, i)
	}
	slices.Sort(out)
	return out, nil
}

// parseRange reads "N" or "N-M" with N <= M.
func parseRange(part string) (lo, hi int, err error) {
	first, last, isRange := strings.Cut(part, "-")
	if lo, err = parseIndex(first); err != nil {
		return 0, 0, err
	}
	if !isRange {
		return lo, lo, nil
	}
	if hi, err = parseIndex(last); err != nil {
		return 0, 0, err
	}
	if hi < lo {
		return 0, 0, fmt.Errorf("range %q goes downwards", part)
	}
	return lo, hi, nil
}

func parseIndex(s string) (int, error) {
	if s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, fmt.Errorf("%q is not a number", s)
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > maxListIndex {
		return 0, fmt.Errorf("%q is out of range (0-%d)", s, maxListIndex)
	}
	return n, nil
}
