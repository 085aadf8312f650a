package sched

import (
	"fmt"
	"os"
	"unsafe"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// cpuSetBits is how many CPUs a unix.CPUSet can name (CPU_SETSIZE).
const cpuSetBits = int(unsafe.Sizeof(unix.CPUSet{})) * 8

// Phase says which half of process.execCPUAffinity to apply.
type Phase string

const (
	// PhaseInitial is the affinity of the process that enters the container, from its start
	// until it joins the container's cgroups (so that joining does not run on busy CPUs).
	PhaseInitial Phase = "initial"
	// PhaseFinal is the affinity after joining the cgroups, which on a cpuset hierarchy have
	// reset it to the cgroup's CPUs.
	PhaseFinal Phase = "final"
)

// cpuSet turns one of the lists of process.execCPUAffinity into a CPU mask. ok is false when
// the list is empty: the spec says to leave the affinity alone then.
func cpuSet(a *specs.CPUAffinity, phase Phase) (set unix.CPUSet, ok bool, err error) {
	var list string
	switch phase {
	case PhaseInitial:
		list = a.Initial
	case PhaseFinal:
		list = a.Final
	default:
		return set, false, fmt.Errorf("execCPUAffinity: unknown phase %q", phase)
	}
	if list == "" {
		return set, false, nil
	}
	cpus, err := parseList(list)
	if err != nil {
		return set, false, fmt.Errorf("process.execCPUAffinity.%s %q: %w", phase, list, err)
	}
	for _, cpu := range cpus {
		if cpu >= cpuSetBits {
			return set, false, fmt.Errorf("process.execCPUAffinity.%s %q: CPU %d is out of range", phase, list, cpu)
		}
		set.Set(cpu)
	}
	return set, true, nil
}

// SetExecCPUAffinity applies one phase of process.execCPUAffinity to the calling thread.
//
// The spec makes this setting for processes run by `exec` only: it "is not applicable to the
// container's init process", so init must not call it. For an exec'd process: PhaseInitial in
// the process that will enter the container, before it joins the cgroups; PhaseFinal after the
// join, before execve. An absent setting or an empty list changes nothing.
func SetExecCPUAffinity(a *specs.CPUAffinity, phase Phase) error {
	if a == nil {
		return nil
	}
	set, ok, err := cpuSet(a, phase)
	if err != nil || !ok {
		return err
	}
	if err := unix.SchedSetaffinity(0, &set); err != nil {
		return fmt.Errorf("process.execCPUAffinity.%s: %w", phase, os.NewSyscallError("sched_setaffinity", err))
	}
	return nil
}
