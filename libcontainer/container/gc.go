package container

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/berth-runtime/berth/libcontainer/state"
)

// Removed is a container that GC removed, or would remove with dryRun.
type Removed struct {
	ID string
	// Why the container is taken for dead: "init 1234 gone", a lost state file.
	Why string
	// What was left of it: "cgroup /sys/fs/cgroup/freezer/c1", "state dir". berth makes no
	// mount in the host's namespace (the rootfs is mounted inside the container's own), so
	// nothing is left to unmount once the container's processes are gone.
	What []string
}

func (r Removed) String() string {
	return fmt.Sprintf("%s: %s; %s", r.ID, r.Why, strings.Join(r.What, ", "))
}

// GC removes what is left of every container under root whose init is gone (exited, a zombie
// that nobody reaps, or a PID now used by another process), through delete --force, and leaves
// live ones alone, as well as those another berth command holds (a create at work). A state
// dir whose state file is missing or corrupt is removed when the cgroup berth would have made
// for it holds no process. With dryRun it only says what it would remove.
//
// The error joins one error per container that could not be removed, after all the others were;
// root is refused as List refuses it.
func GC(root string, rootGiven, dryRun bool) ([]Removed, error) {
	ids, err := stateDirs(root, rootGiven)
	if err != nil {
		return nil, err
	}
	var removed []Removed
	var errs []error
	for _, id := range ids {
		r, err := gcOne(root, id, dryRun)
		if r != nil {
			removed = append(removed, *r)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", id, err))
		}
	}
	return removed, errors.Join(errs...)
}

// gcOne removes the container when it is dead; nil when it is alive or busy.
func gcOne(root, id string, dryRun bool) (*Removed, error) {
	dir, err := state.TryOpenDir(root, id)
	if errors.Is(err, state.ErrBusy) || errors.Is(err, state.ErrNotExist) {
		return nil, nil // at work, or deleted meanwhile
	}
	if err != nil {
		return nil, err
	}
	c, err := loadRemains(dir, id)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	why, err := c.whyDead()
	if why == "" || err != nil {
		return nil, err
	}
	r := &Removed{ID: id, Why: why, What: c.remains()}
	if dryRun {
		return r, nil
	}
	if err := c.delete(true); err != nil {
		return nil, err
	}
	return r, nil
}

// whyDead says why the container is dead, or "" when its init lives. A container with a lost
// state file is dead when its cgroup holds no process; one that does is an error: gc cannot
// tell its processes are the container's, delete --force on the ID kills them.
func (c *Container) whyDead() (string, error) {
	if c.lost != nil {
		n, err := c.cgroupProcesses()
		if err != nil {
			return "", fmt.Errorf("%w; cannot tell whether its cgroup is empty: %w", c.lost, err)
		}
		if n > 0 {
			return "", fmt.Errorf("%w; %d process(es) still in cgroup %s (berth delete --force %s kills them)",
				c.lost, n, c.cgroupDir(), c.state.ID)
		}
		return c.lost.Error(), nil
	}
	switch {
	case c.state.Pid == 0:
		return "create died before init started", nil
	case !state.Alive(c.state.Pid, c.state.StartTime):
		return fmt.Sprintf("init %d gone", c.state.Pid), nil
	}
	return "", nil
}

// remains lists what removing the container removes.
func (c *Container) remains() []string {
	var what []string
	if d := c.cgroupDir(); d != "" {
		what = append(what, "cgroup "+d)
	}
	return append(what, "state dir")
}

// cgroupDir names the container's cgroup when it exists, "" when it does not.
func (c *Container) cgroupDir() string {
	if c.state.Cgroup == nil {
		return ""
	}
	cg, err := c.cgroup()
	if err != nil || !cg.Exists() {
		return ""
	}
	return cg.Dir()
}

// cgroupProcesses counts the processes in the container's cgroup; 0 when there is no cgroup.
func (c *Container) cgroupProcesses() (int, error) {
	if c.cgroupDir() == "" {
		return 0, nil
	}
	cg, _ := c.cgroup()
	pids, err := cg.Pids()
	return len(pids), err
}

// stateDirs lists the container IDs under root, sorted. A root that does not exist holds no
// container when it is the default one; a root the user named is refused, so that a mistyped
// --root does not look like a machine without containers.
func stateDirs(root string, rootGiven bool) ([]string, error) {
	entries, err := os.ReadDir(root)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) && !rootGiven {
			return nil, nil
		}
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is named already
		}
		return nil, fmt.Errorf("--root %s: %w", root, err)
	}
	var ids []string
	for _, e := range entries {
		if e.IsDir() {
			ids = append(ids, e.Name())
		}
	}
	sort.Strings(ids)
	return ids, nil
}
