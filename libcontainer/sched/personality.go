package sched

import (
	"fmt"
	"os"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Execution domains from <linux/personality.h>.
const (
	perLinux   = 0x0000
	perLinux32 = 0x0008
	// queryPersonality asks personality(2) for the current value without changing it.
	queryPersonality = 0xffffffff
)

// personalityValue turns linux.personality into the argument of personality(2). The spec
// defines no flags yet, so any flag is an error rather than silently ignored.
func personalityValue(p *specs.LinuxPersonality) (uintptr, error) {
	if len(p.Flags) > 0 {
		return 0, fmt.Errorf("linux.personality.flags %q: no personality flags are supported", p.Flags[0])
	}
	switch p.Domain {
	case specs.PerLinux:
		return perLinux, nil
	case specs.PerLinux32:
		return perLinux32, nil
	}
	return 0, fmt.Errorf("linux.personality.domain %q: unknown domain (valid: %s, %s)", p.Domain, specs.PerLinux, specs.PerLinux32)
}

// SetPersonality applies linux.personality to the calling thread; execve keeps it, so with
// LINUX32 `uname -m` in the container prints a 32-bit machine (i686 on x86_64).
func SetPersonality(p *specs.LinuxPersonality) error {
	if p == nil {
		return nil
	}
	v, err := personalityValue(p)
	if err != nil {
		return err
	}
	if _, err := personality(v); err != nil {
		return fmt.Errorf("linux.personality.domain %q: %w", p.Domain, err)
	}
	return nil
}

// Personality returns the calling thread's personality, as `setarch --show` would.
func Personality() (uint32, error) {
	return personality(queryPersonality)
}

func personality(v uintptr) (uint32, error) {
	r, _, errno := unix.RawSyscall(unix.SYS_PERSONALITY, v, 0, 0)
	if errno != 0 {
		return 0, os.NewSyscallError("personality", errno)
	}
	return uint32(r), nil
}
