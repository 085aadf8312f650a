package container

import (
	"errors"
	"fmt"
	"os"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// initTimeout bounds each wait of the host on init beyond the hooks' own timeouts: init sets a
// container up (mounts, devices, its process) in well under a second; one that says nothing
// for this long is stuck (its cgroup frozen, a mount on a dead NFS server) and berth gives up
// instead of waiting for ever. The fault-injection build lets tests shorten it (faults.go).
var initTimeout = time.Minute

// waitBudget is how long the host may wait on init while hooks run: initTimeout plus each
// hook's timeout. A hook without a timeout may run for ever (runtime-spec: timeout is optional),
// so then there is no bound; ok is false.
func waitBudget(hooks ...[]specs.Hook) (d time.Duration, ok bool) {
	d = initTimeout
	for _, list := range hooks {
		for _, h := range list {
			if h.Timeout == nil {
				return 0, false
			}
			d += time.Duration(*h.Timeout) * time.Second
		}
	}
	return d, true
}

// boundWait puts a read deadline of the budget for hooks on conn (which must be pollable: the
// sync socket and the start connection are non-blocking) and returns what turns a deadline
// error into one that says what was waited for.
func boundWait(conn *os.File, what string, hooks ...[]specs.Hook) func(error) error {
	d, ok := waitBudget(hooks...)
	if !ok {
		return func(err error) error { return err }
	}
	if err := conn.SetReadDeadline(time.Now().Add(d)); err != nil {
		return func(e error) error { return e } // not pollable: unbounded, as before
	}
	return func(err error) error {
		conn.SetReadDeadline(time.Time{})
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return fmt.Errorf("container init did not %s within %s (is its cgroup frozen, or a mount or hook hung?); it is killed", what, d)
		}
		return err
	}
}
