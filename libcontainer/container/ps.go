package container

import (
	"errors"
	"fmt"
	"os"
	"sort"

	"github.com/berth-runtime/berth/libcontainer/cgroups"
)

// Pids lists the host PIDs of every process in the container's cgroup, in increasing order. A
// stopped container whose cgroup is already gone has none. A rootless container without a
// cgroup lists the processes of its PID namespace instead.
func (c *Container) Pids() ([]int, error) {
	cg, err := c.cgroup()
	if err != nil {
		return nil, err
	}
	pids, err := cg.Pids()
	if errors.Is(err, cgroups.ErrNoCgroup) && c.state.OwnPidNS {
		pids, err = c.pidNSMembers()
	}
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return []int{}, nil
		}
		return nil, fmt.Errorf("list processes: %w", err)
	}
	sort.Ints(pids)
	if pids == nil {
		pids = []int{}
	}
	return pids, nil
}
