package container

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"golang.org/x/sys/unix"

	"github.com/berth-runtime/berth/libcontainer/hooks"
	"github.com/berth-runtime/berth/libcontainer/state"
)

// Delete removes a container and everything berth made for it. A running container is refused
// unless force, which kills it first and waits for it to die. With force, an ID that does not
// exist is not an error (containerd's shim relies on this), one whose state file is missing or
// corrupt is removed as far as it can be found (see loadRemains), and one that another berth
// command holds is killed before its lock is waited for (see openForceDelete).
func Delete(root, id string, force bool) error {
	open := OpenLifecycle
	if force {
		open = openForceDelete
	}
	c, err := open(root, id)
	if err != nil {
		if force && errors.Is(err, state.ErrNotExist) {
			return nil
		}
		return err
	}
	defer c.Close()
	if c.lost != nil {
		slog.Warn("delete --force: the state is lost; removing the state dir and the cgroup where berth puts it by default",
			"id", id, "why", c.lost, "cgroup", c.cgroupDir())
	}
	return c.delete(force)
}

// lockWait bounds how long delete --force waits for another command's lock once it has killed
// the container: that command fails as soon as init is gone.
const lockWait = 10 * time.Second

// openForceDelete opens a container for delete --force, which must not hang behind another command
// that holds the lock for good: a create waiting for an init that someone froze, say. When the
// lock is busy, the container's processes are killed first, from the state file read without
// the lock; the command that held it then fails and lets go.
func openForceDelete(root, id string) (*Container, error) {
	dir, err := state.TryOpenDir(root, id)
	if errors.Is(err, state.ErrBusy) {
		if c, err := Peek(root, id); err == nil {
			slog.Debug("delete --force: another berth command holds the container: killing it first", "id", id)
			if err := c.killEverything(); err != nil {
				slog.Warn("delete --force", "id", id, "error", err)
			}
		}
		dir, err = state.OpenDirWithin(root, id, lockWait)
		if errors.Is(err, state.ErrBusy) {
			return nil, fmt.Errorf("another berth command still holds the container after %s, its processes killed", lockWait)
		}
	}
	if err != nil {
		return nil, err
	}
	return loadRemains(dir, id)
}

func (c *Container) delete(force bool) error {
	phases := newPhaseLog("delete", c.state.ID)
	switch status := c.Status(); status {
	case string(state.Running):
		if !force {
			return fmt.Errorf("cannot delete container that is not stopped: %s (use --force)", status)
		}
		fallthrough
	case Paused:
		if !force {
			return fmt.Errorf("cannot delete container that is not stopped: paused (use --force)")
		}
		fallthrough
	case string(state.Created), string(state.Creating):
		if err := c.killEverything(); err != nil {
			return err
		}
		phases.done("kill", "container's processes killed")
	}
	return c.destroy()
}

// killEverything kills the container's processes and waits for init to die. Every process, not
// only init: without its own PID namespace the others would outlive it. What this misses,
// destroy kills again before it removes the cgroup.
func (c *Container) killEverything() error {
	if c.hasProcesses() {
		if err := c.signalAll(unix.SIGKILL); err != nil {
			slog.Warn("delete --force", "id", c.state.ID, "error", err)
		}
	}
	if err := c.thawForKill(); err != nil {
		return err
	}
	if err := c.killAndWait(); err != nil {
		return fmt.Errorf("kill: %w", err)
	}
	return nil
}

// thawForKill thaws the container's cgroup if someone froze it: a frozen process never dies of
// the SIGKILL it was sent, and waiting for it would last for ever. Create's clean-up and delete
// --force both call it between the kill and the wait.
func (c *Container) thawForKill() error {
	cg, err := c.cgroup()
	if err != nil || !cg.Exists() || !cg.Paused() {
		return nil // no cgroup (yet, or any more): nothing frozen
	}
	if err := cg.Thaw(); err != nil {
		return fmt.Errorf("thaw cgroup %s: %w", cg.Dir(), err)
	}
	return nil
}

// hasProcesses is false for a container that never had any: a create that died before it made
// init and its cgroup (the state names the cgroup it plans), or a lost state whose conventional
// cgroup does not exist.
func (c *Container) hasProcesses() bool { return c.state.Pid != 0 || c.cgroupDir() != "" }

// destroy removes the cgroup, runs the poststop hooks and removes the state directory; init is
// already dead.
func (c *Container) destroy() error {
	phases := newPhaseLog("delete", c.state.ID)
	if c.state.Cgroup != nil {
		if err := c.removeCgroup(); err != nil {
			return err
		}
		phases.done("cgroup", "cgroup removed")
	}
	if c.state.Config != nil && c.state.Config.Hooks != nil && c.state.Pid != 0 {
		h := c.state.Config.Hooks
		hooks.RunAll("poststop", h.Poststop, c.state.Spec(state.Stopped), func(err error) {
			slog.Warn("poststop hook failed", "id", c.state.ID, "error", err)
		})
		phases.done("hooks", "poststop hooks run")
	}
	if err := c.dir.Remove(); err != nil {
		return err
	}
	phases.done("state", "state removed")
	return nil
}

// removeCgroup removes the container's cgroup: from the state's paths when no manager is loaded
// and the cgroup is empty, otherwise through the manager.
func (c *Container) removeCgroup() error {
	if c.cg == nil && c.state.Cgroup.RemoveEmpty() {
		return nil
	}
	cg, err := c.cgroup()
	if err != nil {
		return err
	}
	return cg.Destroy()
}
