package container

import (
	"fmt"

	"github.com/berth-runtime/berth/libcontainer/cgroups"
	"github.com/berth-runtime/berth/libcontainer/state"
)

// Pause freezes every process of a created or running container through its freezer cgroup.
// A paused container cannot be paused again, and a stopped one has nothing left to freeze.
func (c *Container) Pause() error {
	switch status := c.Status(); status {
	case string(state.Created), string(state.Running):
	case Paused:
		return fmt.Errorf("container is already paused")
	default:
		return fmt.Errorf("container is %s: only a created or running container can be paused", status)
	}
	cg, err := c.cgroup()
	if err != nil {
		return err
	}
	if cg.Skipped() {
		return fmt.Errorf("cannot freeze: %w", cgroups.ErrNoCgroup)
	}
	if err := cg.Freeze(); err != nil {
		// A half-frozen cgroup would leave the container neither paused nor running.
		if thawErr := cg.Thaw(); thawErr != nil {
			return fmt.Errorf("freeze: %w (and thaw after it: %v)", err, thawErr)
		}
		return fmt.Errorf("freeze: %w", err)
	}
	return nil
}

// Resume thaws a paused container; it goes back to the status it had (created or running).
func (c *Container) Resume() error {
	if status := c.Status(); status != Paused {
		return fmt.Errorf("container is not paused: it is %s", status)
	}
	cg, err := c.cgroup()
	if err != nil {
		return err
	}
	if err := cg.Thaw(); err != nil {
		return fmt.Errorf("thaw: %w", err)
	}
	return nil
}
