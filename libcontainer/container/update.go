package container

import (
	"encoding/json"
	"fmt"
	"log/slog"

	libcg "github.com/opencontainers/cgroups"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/berth-runtime/berth/libcontainer/cgroups"
	"github.com/berth-runtime/berth/libcontainer/state"
)

// Update changes the fields of the container's linux.resources that r sets, like `runc update`:
// the rest keeps its current value. The merged resources are applied to the cgroup and then
// saved in the state, so later updates start from them. When anything fails, the cgroup is set
// back to the old resources and the state is left as it was.
//
// linux.resources.devices is never changed by an update: the device allow-list stays the one
// the container was created with.
func (c *Container) Update(r *specs.LinuxResources) error {
	switch status := c.Status(); status {
	case string(state.Created), string(state.Running), Paused:
	default:
		return fmt.Errorf("container is %s: only a created, running or paused container can be updated", status)
	}
	cg, err := c.cgroup()
	if err != nil {
		return err
	}
	if cg.Skipped() {
		return fmt.Errorf("cannot update linux.resources: %w", cgroups.ErrNoCgroup)
	}
	avail, err := cgroups.AvailableControllers()
	if err != nil {
		return err
	}
	if err := cgroups.Missing(r, avail); err != nil {
		return err
	}
	old := c.resources()
	merged := mergeResources(old, r)
	res, err := updateResources(merged)
	if err != nil {
		return err
	}
	for _, w := range cgroups.Warnings(r, avail) {
		slog.Warn(w, "id", c.ID())
	}
	if err := cg.Update(res); err != nil {
		c.restore(cg, old, merged)
		return err
	}
	c.setResources(merged)
	if err := c.dir.Save(c.state); err != nil {
		c.setResources(old)
		c.restore(cg, old, merged)
		return err
	}
	return nil
}

// updateResources converts resources for Manager.Update: the device rules are skipped (an
// update leaves them alone) and the freezer state is left undefined, so that updating a paused
// container keeps it paused.
func updateResources(r *specs.LinuxResources) (*libcg.Resources, error) {
	res, err := cgroups.Resources(r)
	if err != nil {
		return nil, err
	}
	res.SkipDevices = true
	res.Freezer = libcg.Undefined
	return res, nil
}

// restore sets the cgroup back to old after a failed update, as far as it can: a limit that the
// config never set but the update did goes back to unlimited, the kernel's default.
func (c *Container) restore(cg *cgroups.Manager, old, merged *specs.LinuxResources) {
	res, err := updateResources(undoResources(old, merged))
	if err == nil {
		err = cg.Update(res)
	}
	if err != nil {
		slog.Warn("could not set the cgroup back after a failed update: its limits may differ from the state",
			"id", c.ID(), "error", err)
	}
}

// undoResources returns old, plus "unlimited" (-1) for each limit that old leaves unset and
// merged sets: applying old alone would leave those at the new values.
func undoResources(old, merged *specs.LinuxResources) *specs.LinuxResources {
	undo := cloneResources(old)
	if undo == nil {
		undo = &specs.LinuxResources{}
	}
	unlimited := int64(-1)
	if m := merged.Memory; m != nil {
		if undo.Memory == nil {
			undo.Memory = &specs.LinuxMemory{}
		}
		for _, f := range []struct{ old, new **int64 }{
			{&undo.Memory.Limit, &m.Limit}, {&undo.Memory.Reservation, &m.Reservation}, {&undo.Memory.Swap, &m.Swap},
		} {
			if *f.old == nil && *f.new != nil {
				*f.old = &unlimited
			}
		}
	}
	if merged.CPU != nil && merged.CPU.Quota != nil && (undo.CPU == nil || undo.CPU.Quota == nil) {
		if undo.CPU == nil {
			undo.CPU = &specs.LinuxCPU{}
		}
		undo.CPU.Quota = &unlimited
	}
	if merged.Pids != nil && merged.Pids.Limit != nil && (undo.Pids == nil || undo.Pids.Limit == nil) {
		undo.Pids = &specs.LinuxPids{Limit: &unlimited}
	}
	return undo
}

// resources returns the container's current linux.resources (nil when the config has none).
func (c *Container) resources() *specs.LinuxResources {
	if c.state.Config == nil || c.state.Config.Linux == nil {
		return nil
	}
	return c.state.Config.Linux.Resources
}

func (c *Container) setResources(r *specs.LinuxResources) {
	if c.state.Config == nil {
		c.state.Config = &specs.Spec{}
	}
	if c.state.Config.Linux == nil {
		c.state.Config.Linux = &specs.Linux{}
	}
	c.state.Config.Linux.Resources = r
}

// cloneResources deep-copies r; a JSON round trip copies every pointer and map, whatever fields
// later versions of the runtime-spec add.
func cloneResources(r *specs.LinuxResources) *specs.LinuxResources {
	if r == nil {
		return nil
	}
	data, err := json.Marshal(r)
	if err != nil {
		panic(fmt.Sprintf("clone linux.resources: %v", err)) // plain data: cannot fail
	}
	out := new(specs.LinuxResources)
	if err := json.Unmarshal(data, out); err != nil {
		panic(fmt.Sprintf("clone linux.resources: %v", err))
	}
	return out
}
