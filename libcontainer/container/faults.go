//go:build berth_faults

package container

import (
	"os"
	"time"

	"golang.org/x/sys/unix"
)

// Fault injection, for the reliability tests only: a binary built with the berth_faults tag
// (make test-helpers builds .cache/bin/berth-faults) dies by SIGKILL right after the phase
// that BERTH_FAULT names as "op:phase" (e.g. "create:cgroup", "start:exec", "delete:kill"; the
// names of --debug's phases), and waits on init at most BERTH_INIT_TIMEOUT (a Go duration)
// beyond the hooks' timeouts. Release builds have no such code: the variables are ignored.
const (
	faultEnv       = "BERTH_FAULT"
	initTimeoutEnv = "BERTH_INIT_TIMEOUT"
)

func init() {
	if d, err := time.ParseDuration(os.Getenv(initTimeoutEnv)); err == nil {
		initTimeout = d
	}
	want := os.Getenv(faultEnv)
	if want == "" {
		return
	}
	injectFault = func(op, phase string) {
		if op+":"+phase == want {
			unix.Kill(os.Getpid(), unix.SIGKILL)
			select {} // SIGKILL cannot be caught: wait for it to land
		}
	}
}
