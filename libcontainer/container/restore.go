package container

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/berth-runtime/berth/libcontainer/criu"
	"github.com/berth-runtime/berth/libcontainer/namespaces"
	"github.com/berth-runtime/berth/libcontainer/state"
	"github.com/berth-runtime/berth/libcontainer/sys"
	"github.com/berth-runtime/berth/spec"
)

// RestoreOptions are restore's flags.
type RestoreOptions struct {
	Root, ID, Bundle string
	CriuPath         string
	Criu             criu.Options
	PidFile          string
	ConsoleSocket    string
	CgroupDriver     string
	Detach           bool
}

// criuRootDir is where restore binds the rootfs for criu, in the state directory: criu wants
// its root to be a mount point whose parent is not mounted over.
const criuRootDir = "criu-root"

// Restore makes container o.ID again from the bundle's config and the images of a checkpoint:
// state directory and cgroup as create makes them, then criu restores the processes. Detached,
// it returns once they run; in the foreground it waits for init, removes the container and
// returns init's exit status, as run does. On failure nothing is left behind.
func Restore(o *RestoreOptions) (int, error) {
	c, err := restore(o)
	if err != nil {
		return 1, err
	}
	if o.Detach {
		c.Close()
		return 0, nil
	}
	return c.waitRestored(o)
}

func restore(o *RestoreOptions) (c *Container, err error) {
	if o.Criu.ImagePath == "" {
		return nil, fmt.Errorf("--image-path is required")
	}
	c, err = newRestoredContainer(o)
	if err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			c.abortRestore()
			c = nil
		}
	}()
	if err := c.makeCgroup(); err != nil {
		return c, err
	}
	pid, err := c.criuRestore(o)
	if err != nil {
		return c, err
	}
	c.state.Pid = pid // from here on, a failure kills what criu restored
	st, err := sys.ReadProcStat(pid)
	if err != nil {
		return c, fmt.Errorf("restored init (pid %d): %w", pid, err)
	}
	c.state.StartTime, c.state.Creating = st.StartTime, false
	// criu puts the tasks back in their cgroups (the same paths: same config, same ID); init
	// is placed again for a systemd scope, or a --manage-cgroups-mode ignore.
	if err := c.cg.Apply(pid); err != nil {
		return c, err
	}
	c.state.Cgroup = c.cg.Save()
	if err := c.dir.Save(c.state); err != nil {
		return c, err
	}
	return c, publishPid(pid, -1, o.PidFile, "")
}

// newRestoredContainer loads the bundle and makes the container's state directory, as create
// does; the processes come later, from criu.
func newRestoredContainer(o *RestoreOptions) (*Container, error) {
	bundle, err := filepath.Abs(o.Bundle)
	if err != nil {
		return nil, fmt.Errorf("bundle %q: %w", o.Bundle, err)
	}
	s, err := spec.Load(bundle)
	if err != nil {
		return nil, err
	}
	if err := spec.Validate(s, bundle); err != nil {
		return nil, err
	}
	if err := checkHostSupport(s); err != nil {
		return nil, err
	}
	if s.Process.Terminal || o.ConsoleSocket != "" {
		return nil, errors.New("process.terminal: berth cannot restore a container with a terminal yet")
	}
	plan, err := namespaces.PlanFor(s)
	if err != nil {
		return nil, err
	}
	rootfs, err := filepath.EvalSymlinks(spec.RootfsPath(s, bundle))
	if err != nil {
		return nil, fmt.Errorf("root.path: %w", err)
	}
	c := &Container{state: &state.State{
		ID: o.ID, Bundle: bundle, Rootfs: rootfs, Created: time.Now().UTC(),
		Annotations: s.Annotations, Config: s, OwnPidNS: plan.Has(specs.PIDNamespace),
		Creating: true,
	}}
	if err := c.planCgroup(&CreateOptions{CgroupDriver: o.CgroupDriver}); err != nil {
		return nil, err
	}
	if c.dir, err = state.Create(o.Root, o.ID, c.state); err != nil {
		return nil, err
	}
	return c, nil
}

// criuRestore has criu restore the processes, the rootfs bound for it on a directory in the
// state directory.
func (c *Container) criuRestore(o *RestoreOptions) (int, error) {
	root := filepath.Join(c.dir.Path, criuRootDir)
	if err := os.Mkdir(root, 0o700); err != nil {
		return 0, err
	}
	defer os.Remove(root)
	phases := newPhaseLog("restore", c.state.ID)
	pid, err := criu.Restore(&criu.RestoreRequest{
		Bin: o.CriuPath, Opts: &o.Criu, Rootfs: c.state.Rootfs, RootDir: root,
		Spec: c.state.Config, Bundle: c.state.Bundle, CgroupDir: c.cg.Path(""),
	})
	if err != nil {
		return 0, err
	}
	phases.done("restore", "criu restored the container", "pid", pid)
	return pid, nil
}

// abortRestore undoes a failed restore: the restored processes (if criu got that far), the
// cgroup and the state directory.
func (c *Container) abortRestore() {
	if c.state.Pid > 0 {
		if err := c.killEverything(); err != nil {
			slog.Warn("cleanup after failed restore", "id", c.state.ID, "error", err)
		}
	}
	c.abort(nil)
}

// waitRestored is restore in the foreground: relay signals to init, wait for it (criu made it
// our child), remove the container and return its exit status.
func (c *Container) waitRestored(o *RestoreOptions) (int, error) {
	pid := c.state.Pid
	pidfd, err := c.openInit()
	if err != nil {
		c.Close()
		return 1, err
	}
	defer unix.Close(pidfd)
	fwd := forwardSignalsSoon()
	defer fwd.stop()
	fwd.catchRest()
	fwd.target <- pidfd
	// Unlock while the program runs, so that state, kill, exec and friends can work on it.
	c.Close()
	var ws unix.WaitStatus
	for {
		_, err := unix.Wait4(pid, &ws, 0, nil)
		if !errors.Is(err, unix.EINTR) {
			if err != nil {
				return 1, os.NewSyscallError("wait4", err)
			}
			break
		}
	}
	if err := deleteStopped(o.Root, o.ID); err != nil {
		slog.Warn("delete after restore", "id", o.ID, "error", err)
	}
	return exitCode(ws), nil
}
