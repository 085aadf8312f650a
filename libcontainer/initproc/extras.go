package initproc

import (
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/berth-runtime/berth/libcontainer/lsm"
	"github.com/berth-runtime/berth/libcontainer/sched"
)

// setProcessExtras applies the per-thread attributes execve keeps, while init still holds its
// privileges: personality, memory policy, I/O priority, (exec only) CPU affinity, the LSM exec
// labels (before any seccomp filter could block their procfs writes), and the scheduler last
// (real-time policies need CAP_SYS_NICE, and a deadline thread may not spawn threads).
func (i *initProcess) setProcessExtras() error {
	p := i.spec.Process
	l := i.spec.Linux
	if l == nil {
		l = &specs.Linux{}
	}
	steps := []func() error{
		func() error { return sched.SetPersonality(l.Personality) },
		func() error { return sched.SetMemoryPolicy(l.MemoryPolicy) },
		func() error { return sched.SetIOPriority(p.IOPriority) },
		func() error {
			// The spec: execCPUAffinity is not for the container's init process.
			if !i.cfg.Exec {
				return nil
			}
			return sched.SetExecCPUAffinity(p.ExecCPUAffinity, sched.PhaseFinal)
		},
		func() error { return lsm.ApplyAppArmor(p.ApparmorProfile) },
		func() error { return lsm.SetExecLabel(p.SelinuxLabel) },
		func() error { return sched.SetScheduler(p.Scheduler) },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	return nil
}
