package container

import (
	"fmt"

	"github.com/berth-runtime/berth/libcontainer/criu"
	"github.com/berth-runtime/berth/libcontainer/state"
)

// Checkpoint saves container id's processes to criu images (libcontainer/criu). Without
// --leave-running or --pre-dump, criu kills them once saved and the container is then removed,
// as runc does, so that `restore` can bring it back under the same ID. On failure the container
// is as it was: criu resumes the tasks it had stopped.
func Checkpoint(root, id, criuPath string, o *criu.Options) error {
	c, err := Open(root, id)
	if err != nil {
		return err
	}
	defer c.Close()
	status := c.Status()
	if status != string(state.Running) && status != Paused {
		return fmt.Errorf("cannot checkpoint a container that is %s", status)
	}
	if o.ImagePath == "" {
		return fmt.Errorf("--image-path is required")
	}
	req := &criu.DumpRequest{
		Bin: criuPath, Opts: o, Pid: c.state.Pid, Rootfs: c.state.Rootfs, Spec: c.state.Config,
	}
	if status == Paused {
		// criu cannot seize frozen tasks one by one: it thaws them itself through the freezer.
		if req.FreezeCgroup, err = c.freezerDir(); err != nil {
			return err
		}
	}
	phases := newPhaseLog("checkpoint", id)
	if err := criu.Dump(req); err != nil {
		return err
	}
	phases.done("dump", "criu saved the container", "images", o.ImagePath)
	if o.LeaveRunning || o.PreDump {
		return nil
	}
	// criu killed the tasks; kill whatever it left and wait for init before removing the rest.
	if err := c.killEverything(); err != nil {
		return err
	}
	return c.destroy()
}

// freezerDir is the cgroup directory whose freezer pauses the container.
func (c *Container) freezerDir() (string, error) {
	cg, err := c.cgroup()
	if err != nil {
		return "", err
	}
	if dir := cg.Path("freezer"); dir != "" {
		return dir, nil
	}
	return cg.Path(""), nil
}
