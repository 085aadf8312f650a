package sched

import (
	"errors"
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Policies from <linux/sched.h>. SCHED_ISO has a number but Linux never implemented it.
var schedPolicies = map[specs.LinuxSchedulerPolicy]uint32{
	specs.SchedOther:    unix.SCHED_NORMAL,
	specs.SchedFIFO:     unix.SCHED_FIFO,
	specs.SchedRR:       unix.SCHED_RR,
	specs.SchedBatch:    unix.SCHED_BATCH,
	specs.SchedISO:      4,
	specs.SchedIdle:     unix.SCHED_IDLE,
	specs.SchedDeadline: unix.SCHED_DEADLINE,
}

var schedFlags = map[specs.LinuxSchedulerFlag]uint64{
	specs.SchedFlagResetOnFork:  unix.SCHED_FLAG_RESET_ON_FORK,
	specs.SchedFlagReclaim:      unix.SCHED_FLAG_RECLAIM,
	specs.SchedFlagDLOverrun:    unix.SCHED_FLAG_DL_OVERRUN,
	specs.SchedFlagKeepPolicy:   unix.SCHED_FLAG_KEEP_POLICY,
	specs.SchedFlagKeepParams:   unix.SCHED_FLAG_KEEP_PARAMS,
	specs.SchedFlagUtilClampMin: unix.SCHED_FLAG_UTIL_CLAMP_MIN,
	specs.SchedFlagUtilClampMax: unix.SCHED_FLAG_UTIL_CLAMP_MAX,
}

// schedAttr turns process.scheduler into the argument of sched_setattr(2), checking what the
// kernel would only answer with EINVAL: the nice range, a priority only for the real-time
// policies, deadline parameters only for SCHED_DEADLINE.
func schedAttr(s *specs.Scheduler) (*unix.SchedAttr, error) {
	policy, ok := schedPolicies[s.Policy]
	if !ok {
		return nil, fmt.Errorf("process.scheduler.policy %q: unknown policy", s.Policy)
	}
	attr := &unix.SchedAttr{
		Size: unix.SizeofSchedAttr, Policy: policy, Nice: s.Nice, Priority: uint32(s.Priority),
		Runtime: s.Runtime, Deadline: s.Deadline, Period: s.Period,
	}
	for i, f := range s.Flags {
		bit, ok := schedFlags[f]
		if !ok {
			return nil, fmt.Errorf("process.scheduler.flags[%d] %q: unknown flag", i, f)
		}
		attr.Flags |= bit
	}
	if err := checkSchedNumbers(s); err != nil {
		return nil, err
	}
	return attr, nil
}

func checkSchedNumbers(s *specs.Scheduler) error {
	if s.Nice < -20 || s.Nice > 19 {
		return fmt.Errorf("process.scheduler.nice %d: out of range (-20 to 19)", s.Nice)
	}
	realtime := s.Policy == specs.SchedFIFO || s.Policy == specs.SchedRR
	switch {
	case realtime && (s.Priority < 1 || s.Priority > 99):
		return fmt.Errorf("process.scheduler.priority %d: %s needs a priority from 1 to 99", s.Priority, s.Policy)
	case !realtime && s.Priority != 0:
		return fmt.Errorf("process.scheduler.priority %d: only SCHED_FIFO and SCHED_RR take a priority", s.Priority)
	}
	if s.Policy != specs.SchedDeadline {
		if s.Runtime != 0 || s.Deadline != 0 || s.Period != 0 {
			return fmt.Errorf("process.scheduler: runtime, deadline and period are only for SCHED_DEADLINE, not %s", s.Policy)
		}
		return nil
	}
	return checkDeadline(s)
}

// checkDeadline enforces the order sched(7) requires: runtime <= deadline <= period, where a
// period of 0 means "the same as the deadline".
func checkDeadline(s *specs.Scheduler) error {
	if s.Runtime == 0 || s.Deadline == 0 {
		return errors.New("process.scheduler: SCHED_DEADLINE needs a runtime and a deadline")
	}
	if s.Runtime > s.Deadline {
		return fmt.Errorf("process.scheduler.runtime %d: longer than the deadline %d", s.Runtime, s.Deadline)
	}
	if s.Period != 0 && s.Deadline > s.Period {
		return fmt.Errorf("process.scheduler.deadline %d: longer than the period %d", s.Deadline, s.Period)
	}
	return nil
}

// SetScheduler applies process.scheduler to the calling thread. Real-time policies and a
// negative nice need CAP_SYS_NICE, so init must call it before dropping capabilities.
//
// A SCHED_DEADLINE thread may not create threads (clone fails with EAGAIN) unless
// SCHED_FLAG_RESET_ON_FORK is set, and the Go runtime may start one at any time: call this as
// late as possible, with nothing but the credential switch and execve after it.
func SetScheduler(s *specs.Scheduler) error {
	if s == nil {
		return nil
	}
	attr, err := schedAttr(s)
	if err != nil {
		return err
	}
	if err := unix.SchedSetAttr(0, attr, 0); err != nil {
		if s.Policy == specs.SchedISO && errors.Is(err, unix.EINVAL) {
			return fmt.Errorf("process.scheduler.policy %q: not implemented by Linux: %w", s.Policy, err)
		}
		return fmt.Errorf("process.scheduler.policy %q: %w", s.Policy, os.NewSyscallError("sched_setattr", err))
	}
	return nil
}
