package container

import (
	"errors"
	"fmt"
	"math"

	"github.com/berth-runtime/berth/libcontainer/protocol"
)

// An init that dies on the way without a word ("connection reset by peer") was most often
// stopped by the container's own cgroup: its memory limit (a limit of a few hundred KiB is
// accepted by the kernel, then kills init) or its pids limit (a Go runtime starting threads).
// The cgroup's counters tell which; these name the limit instead.

// cgroupStops are the cgroup's counts of what it stopped: OOM kills and forks the pids limit
// refused. explainInitDeath compares them with the counts before init started; a new cgroup's
// are zero.
type cgroupStops struct {
	oomKills, pidsHits uint64
}

// noStops is a baseline that explains nothing: used when the counts could not be read.
var noStops = cgroupStops{oomKills: math.MaxUint64, pidsHits: math.MaxUint64}

// explainInitDeath names the limit that stopped init, if the cgroup counted a stop since before.
func (c *Container) explainInitDeath(err error, before cgroupStops) error {
	var remote protocol.RemoteError
	if c.cg == nil || errors.As(err, &remote) {
		return err
	}
	if n, cerr := c.cg.OOMKillCount(); cerr == nil && n > before.oomKills {
		limit := int64(0)
		if r := c.state.Config.Linux.Resources; r != nil && r.Memory != nil && r.Memory.Limit != nil {
			limit = *r.Memory.Limit
		}
		return fmt.Errorf("linux.resources.memory.limit %d: the container's init was killed for lack of memory while it was being set up (raise the limit)", limit)
	}
	if pids, perr := c.cg.PidsUsage(); perr == nil && pids.Hits > before.pidsHits {
		return fmt.Errorf("linux.resources.pids.limit %d: berth init could not start its threads in the container's cgroup (raise the limit)", pids.Max)
	}
	return err
}

// goInitTasks is how many tasks `berth init`'s Go runtime needs in the container's cgroup
// before it execs (measured: 5; one spare).
const goInitTasks = 6

// checkInitRoom refuses, with the reason, an exec through `berth init` that the container's
// pids limit leaves no room for: its Go runtime would die starting its threads. It returns the
// cgroup's counts for explainInitDeath.
func (c *Container) checkInitRoom(why string) (cgroupStops, error) {
	if c.cg == nil || !c.cg.JoinsItself() {
		// systemd: the host moves init in once its runtime runs, and moves are not limited.
		return noStops, nil
	}
	pids, err := c.cg.PidsUsage()
	if err != nil {
		return noStops, nil // init will tell
	}
	if free := pids.Free(); pids.Max >= 0 && free < goInitTasks {
		return noStops, fmt.Errorf("linux.resources.pids.limit %d leaves %d task(s) free, and this exec needs %d: it goes through berth init for %s, whose Go runtime starts threads in the container's cgroup (raise the limit)",
			pids.Max, free, goInitTasks, why)
	}
	oom, err := c.cg.OOMKillCount()
	if err != nil {
		oom = math.MaxUint64
	}
	return cgroupStops{oomKills: oom, pidsHits: pids.Hits}, nil
}
