package sched

import (
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// From <linux/ioprio.h>: the class sits above a 13-bit priority level.
const (
	ioprioClassShift  = 13
	ioprioWhoProcess  = 1
	ioprioLowestLevel = 7
)

var ioprioClasses = map[specs.IOPriorityClass]int{
	specs.IOPRIO_CLASS_RT:   1,
	specs.IOPRIO_CLASS_BE:   2,
	specs.IOPRIO_CLASS_IDLE: 3,
}

// ioprioValue turns process.ioPriority into the argument of ioprio_set(2).
func ioprioValue(p *specs.LinuxIOPriority) (int, error) {
	class, ok := ioprioClasses[p.Class]
	if !ok {
		return 0, fmt.Errorf("process.ioPriority.class %q: unknown class (valid: %s, %s, %s)", p.Class,
			specs.IOPRIO_CLASS_RT, specs.IOPRIO_CLASS_BE, specs.IOPRIO_CLASS_IDLE)
	}
	if p.Priority < 0 || p.Priority > ioprioLowestLevel {
		return 0, fmt.Errorf("process.ioPriority.priority %d: out of range (0 to %d)", p.Priority, ioprioLowestLevel)
	}
	return class<<ioprioClassShift | p.Priority, nil
}

// SetIOPriority applies process.ioPriority to the calling thread; the container's processes
// inherit it from there. IOPRIO_CLASS_RT needs CAP_SYS_ADMIN or CAP_SYS_NICE, so init must call
// it before dropping capabilities.
func SetIOPriority(p *specs.LinuxIOPriority) error {
	if p == nil {
		return nil
	}
	v, err := ioprioValue(p)
	if err != nil {
		return err
	}
	// who = 0 with IOPRIO_WHO_PROCESS means the calling thread.
	if _, _, errno := unix.RawSyscall(unix.SYS_IOPRIO_SET, ioprioWhoProcess, 0, uintptr(v)); errno != 0 {
		return fmt.Errorf("process.ioPriority %s/%d: %w", p.Class, p.Priority, os.NewSyscallError("ioprio_set", errno))
	}
	return nil
}

// IOPriority returns the calling thread's I/O class and level as ioprio_get(2) reports them.
func IOPriority() (class, level int, err error) {
	r, _, errno := unix.RawSyscall(unix.SYS_IOPRIO_GET, ioprioWhoProcess, 0, 0)
	if errno != 0 {
		return 0, 0, os.NewSyscallError("ioprio_get", errno)
	}
	return int(r) >> ioprioClassShift, int(r) & (1<<ioprioClassShift - 1), nil
}
