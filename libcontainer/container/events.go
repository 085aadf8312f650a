package container

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/berth-runtime/berth/libcontainer/cgroups"
	"github.com/berth-runtime/berth/libcontainer/state"
)

// oomPollInterval bounds how late an "oom" event can come: the OOM kill counter is read this
// often even when stats are sent far less often.
const oomPollInterval = 200 * time.Millisecond

// Stats reads the statistics of the container's cgroup now.
func (c *Container) Stats() (*Stats, error) {
	if err := c.checkNotStopped(); err != nil {
		return nil, err
	}
	cg, err := c.cgroup()
	if err != nil {
		return nil, err
	}
	return readStats(cg)
}

// Events sends a "stats" event at once and then every interval, and an "oom" event each time the
// kernel's OOM killer has killed a process of the container, until the container stops or send
// fails (its error is returned: a reader that went away ends the stream).
func (c *Container) Events(interval time.Duration, send func(Event) error) error {
	if interval <= 0 {
		return fmt.Errorf("interval %s: must be greater than 0", interval)
	}
	if err := c.checkNotStopped(); err != nil {
		return err
	}
	cg, err := c.cgroup()
	if err != nil {
		return err
	}
	oomKills, err := cg.OOMKillCount()
	if err != nil {
		// No memory controller to ask: the loop below cannot read it either and sends no OOM
		// event, which is all that can be done.
		slog.Debug("read the OOM kill count", "id", c.ID(), "error", err)
	}
	if err := c.sendStats(cg, send); err != nil {
		return err
	}
	stats := time.NewTicker(interval)
	defer stats.Stop()
	poll := time.NewTicker(min(interval, oomPollInterval))
	defer poll.Stop()
	for {
		select {
		case <-stats.C:
			if err := c.sendStats(cg, send); err != nil {
				return err
			}
		case <-poll.C:
		}
		// Read the OOM counter before the liveness check: an OOM kill of init ends the
		// container, and its event must still be sent.
		if n, err := cg.OOMKillCount(); err == nil && n > oomKills {
			oomKills = n
			if err := send(Event{Type: EventOOM, ID: c.ID()}); err != nil {
				return err
			}
		}
		if !c.initAlive() {
			return nil
		}
	}
}

// sendStats sends one stats event. Statistics that cannot be read because the container has
// just stopped end the stream quietly.
func (c *Container) sendStats(cg *cgroups.Manager, send func(Event) error) error {
	s, err := readStats(cg)
	if err != nil {
		if !c.initAlive() {
			return nil
		}
		return err
	}
	return send(Event{Type: EventStats, ID: c.ID(), Data: s})
}

func readStats(cg *cgroups.Manager) (*Stats, error) {
	s, err := cg.Stats()
	if err != nil {
		return nil, fmt.Errorf("read cgroup stats: %w", err)
	}
	return convertStats(s), nil
}

// checkNotStopped refuses a container that has no live processes to report on.
func (c *Container) checkNotStopped() error {
	switch status := c.Status(); status {
	case string(state.Stopped), string(state.Creating):
		return fmt.Errorf("container is %s", status)
	}
	return nil
}

func (c *Container) initAlive() bool { return state.Alive(c.state.Pid, c.state.StartTime) }
