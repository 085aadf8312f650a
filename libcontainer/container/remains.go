package container

import (
	"errors"
	"log/slog"

	"github.com/berth-runtime/berth/libcontainer/cgroups"
	"github.com/berth-runtime/berth/libcontainer/state"
)

// loadRemains loads the state of the locked dir for the commands that remove what is left of a
// container (delete --force, gc). When the state file is missing (a create
// killed before it wrote one) or corrupt, the container is what can be found without it: its ID
// and the cgroup at the place berth uses when the config names none. With no init PID known,
// removing it kills whatever that cgroup holds; a container whose config named another cgroup
// cannot be found there, and its processes are left alone.
func loadRemains(dir *state.Dir, id string) (*Container, error) {
	st, err := dir.Load()
	if err == nil {
		return &Container{dir: dir, state: st}, nil
	}
	if !errors.Is(err, state.ErrNoStateFile) && !errors.Is(err, state.ErrCorrupt) {
		dir.Close()
		return nil, err
	}
	if errors.Is(err, state.ErrNoStateFile) {
		err = errors.New("no state file in " + dir.Path)
	}
	st = &state.State{ID: id}
	c := &Container{dir: dir, state: st, lost: err}
	saved, err := cgroups.Conventional(id)
	if err != nil {
		slog.Warn("no cgroup to look for", "id", id, "error", err)
		return c, nil
	}
	st.Cgroup = saved
	if c.cgroupDir() == "" {
		st.Cgroup, c.cg = nil, nil // none there: nothing to kill or remove
	}
	return c, nil
}
