package sched

import specs "github.com/opencontainers/runtime-spec/specs-go"

// Check parses every field this package applies, without applying anything, so that a bad
// config fails `create` on the host instead of `start` in init. What only the kernel can judge
// (a node or CPU that does not exist, a real-time policy without CAP_SYS_NICE or without
// real-time time in the cgroup) still fails when init applies it.
func Check(s *specs.Spec) error {
	if p := s.Process; p != nil {
		if p.Scheduler != nil {
			if _, err := schedAttr(p.Scheduler); err != nil {
				return err
			}
		}
		if p.IOPriority != nil {
			if _, err := ioprioValue(p.IOPriority); err != nil {
				return err
			}
		}
		if a := p.ExecCPUAffinity; a != nil {
			for _, phase := range []Phase{PhaseInitial, PhaseFinal} {
				if _, _, err := cpuSet(a, phase); err != nil {
					return err
				}
			}
		}
	}
	return checkLinux(s.Linux)
}

func checkLinux(l *specs.Linux) error {
	if l == nil {
		return nil
	}
	if l.Personality != nil {
		if _, err := personalityValue(l.Personality); err != nil {
			return err
		}
	}
	if l.MemoryPolicy != nil {
		if _, err := parseMemoryPolicy(l.MemoryPolicy); err != nil {
			return err
		}
	}
	return nil
}
