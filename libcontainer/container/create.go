package container

import (
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"os"
	"path/filepath"
	"strconv"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/berth-runtime/berth/libcontainer/cgroups"
	"github.com/berth-runtime/berth/libcontainer/hooks"
	"github.com/berth-runtime/berth/libcontainer/namespaces"
	"github.com/berth-runtime/berth/libcontainer/protocol"
	"github.com/berth-runtime/berth/libcontainer/state"
	"github.com/berth-runtime/berth/libcontainer/sys"
	"github.com/berth-runtime/berth/spec"
)

// CreateOptions are create's flags.
type CreateOptions struct {
	Root, ID, Bundle string
	ConsoleSocket    string
	PidFile          string
	PidfdSocket      string
	NoPivot          bool
	// CgroupDriver is cgroups.DriverCgroupfs (default) or cgroups.DriverSystemd.
	CgroupDriver string
	// Rootless: cgroups berth may not write are skipped (--rootless, see cgroups.NewRootless).
	Rootless     bool
	NoNewKeyring bool
	// PreserveFds fds after the ListenFds socket-activation ones pass to the container.
	PreserveFds int
	ListenFds   int
	// console, when set, receives the pty master instead of ConsoleSocket (run in the
	// foreground relays the terminal itself).
	console *os.File
	// detached is false only for run in the foreground, the one caller that may hold a terminal
	// without a console socket.
	detached bool
	// stdio is what init gets as fds 0-2 (initStdio).
	stdio *stdio
	// filter is linux.seccomp, compiled while init starts.
	filter *compiledFilter
	// onLaunch, if set, is called once init is started: from then on berth mostly waits for it
	// (run catches the signals that can wait then).
	onLaunch func()
}

// Create makes a container from the bundle and leaves its init waiting for start. On any
// failure nothing is left behind: init is killed and the state directory removed.
func Create(o *CreateOptions) (*Container, error) {
	o.detached = true
	c, l, err := create(o)
	if l != nil {
		l.release()
	}
	return c, err
}

func create(o *CreateOptions) (c *Container, l *launched, err error) {
	phases := newPhaseLog("create", o.ID)
	bundle, err := filepath.Abs(o.Bundle)
	if err != nil {
		return nil, nil, fmt.Errorf("bundle %q: %w", o.Bundle, err)
	}
	s, err := spec.Load(bundle)
	if err != nil {
		return nil, nil, err
	}
	if err := spec.Validate(s, bundle); err != nil {
		return nil, nil, err
	}
	if err := checkHostSupport(s); err != nil {
		return nil, nil, err
	}
	for _, w := range spec.Warnings(s) {
		slog.Warn("config.json: "+w.Error(), "id", o.ID)
	}
	phases.done("config", "config loaded and validated", "bundle", bundle)
	o.filter = compileSeccomp(s.Linux)
	if err := checkTerminalFlags(s, o); err != nil {
		return nil, nil, err
	}
	if o.stdio, err = initStdio(s.Process.Terminal, o.detached); err != nil {
		return nil, nil, err
	}
	if o.PreserveFds < 0 || o.ListenFds < 0 {
		return nil, nil, fmt.Errorf("--preserve-fds %d: must not be negative", o.PreserveFds)
	}
	if o.ListenFds > 0 {
		// Socket activation: tell the program its fds, as systemd would.
		s.Process.Env = append(s.Process.Env, "LISTEN_FDS="+strconv.Itoa(o.ListenFds), "LISTEN_PID=1")
	}
	plan, err := namespaces.PlanFor(s)
	if err != nil {
		return nil, nil, err
	}
	userns, err := rootlessUserNS(s, plan)
	if err != nil {
		return nil, nil, err
	}
	if userns != nil {
		defer userns.Close()
	}
	rootfs, err := filepath.EvalSymlinks(spec.RootfsPath(s, bundle))
	if err != nil {
		return nil, nil, fmt.Errorf("root.path: %w", err)
	}
	c = &Container{state: &state.State{
		ID: o.ID, Bundle: bundle, Rootfs: rootfs, Created: time.Now().UTC(),
		Annotations: s.Annotations, Config: s, OwnPidNS: plan.Has(specs.PIDNamespace),
	}}
	// The cgroup is planned (paths known, nothing made) before the state exists, so that the
	// first state already says where it will be: a create killed after this point leaves
	// nothing that delete --force cannot find.
	if err := c.planCgroup(o); err != nil {
		return nil, nil, err
	}
	dir, err := state.Create(o.Root, o.ID, c.state)
	if err != nil {
		return nil, nil, err
	}
	c.dir = dir
	defer func() {
		if err != nil {
			c.abort(l)
			c = nil
			return
		}
		c.releaseNetNS()
	}()
	cons, err := consoleFile(o)
	if err != nil {
		return c, nil, err
	}
	if cons != nil {
		defer cons.Close()
	}
	l, err = c.startInit(launchSpec{
		preserve: o.ListenFds + o.PreserveFds,
		console:  cons,
		startDir: dir.Path,
		dir:      c.state.Bundle, // relative bind sources are relative to the bundle
		stdio:    o.stdio,
	}, plan, phases)
	if err != nil {
		return c, l, err
	}
	if o.onLaunch != nil {
		o.onLaunch()
	}
	if err := c.configure(l, o, plan); err != nil {
		return c, l, l.explain(c.explainInitDeath(err, cgroupStops{}))
	}
	phases.done("init", "init ready: namespaces, mounts and hooks done")
	l.logs.flush()
	// Now that init's own threads are counted, the pids limit can hold the program to it.
	if err := c.cg.ApplyDeferred(); err != nil {
		return c, l, err
	}
	if err := dir.MarkCreated(); err != nil {
		return c, l, err
	}
	if err := publishPid(c.state.Pid, l.pidfd, o.PidFile, o.PidfdSocket); err != nil {
		return c, l, err
	}
	phases.done("state", "marked created (start socket ready)", "pid", c.state.Pid)
	return c, l, nil
}

// startInit makes the cgroup and starts init. Where init can take its cgroup v1 tasks files
// once it has started (cgroups.Manager.CanJoinLater), both happen at once, init's fork and exec
// (~2 ms) on one CPU while the cgroup is made (2-4 ms) on the other; init waits for the files
// in its C constructor, before any Go code runs, so nothing of it runs outside its cgroup.
func (c *Container) startInit(ls launchSpec, plan *namespaces.Plan, phases *phaseLog) (*launched, error) {
	if !c.cg.CanJoinLater() {
		if err := c.makeCgroup(); err != nil {
			return nil, err
		}
		phases.done("cgroup", "cgroup made")
		l, err := launch(c, ls, plan)
		if err != nil {
			return l, l.explain(err)
		}
		phases.done("clone", "init cloned", "pid", l.pid)
		return l, nil
	}
	unified, err := c.cg.MakeUnified()
	if err != nil {
		return nil, err
	}
	if unified != nil {
		defer unified.Close()
	}
	ls.cgroupLater, ls.unified = true, unified
	type started struct {
		l   *launched
		err error
	}
	done := make(chan started, 1)
	go func() {
		l, err := launch(c, ls, plan)
		done <- started{l, err}
	}()
	cgErr := c.makeCgroup()
	if cgErr == nil {
		phases.done("cgroup", "cgroup made")
	}
	r := <-done
	switch {
	case cgErr != nil: // the config's fault, most likely: say that rather than init's
		return r.l, cgErr
	case r.err != nil:
		return r.l, r.l.explain(r.err)
	}
	phases.done("clone", "init cloned", "pid", r.l.pid)
	return r.l, r.l.sendCgroupFiles(c.cg)
}

// planCgroup prepares the container's cgroup manager from the config: paths known, nothing made,
// a frozen existing cgroup refused.
func (c *Container) planCgroup(o *CreateOptions) error {
	newCgroup := cgroups.New
	if o.Rootless {
		newCgroup = cgroups.NewRootless
	}
	cg, err := newCgroup(c.state.Config, c.state.ID, o.CgroupDriver)
	if err != nil {
		return err
	}
	c.cg = cg
	c.state.Cgroup = cg.Save()
	return nil
}

// makeCgroup makes the cgroup and applies its limits. With cgroupfs this happens now, so that
// init joins it before anything else happens; systemd needs init's PID to make the scope.
func (c *Container) makeCgroup() error {
	if !c.cg.JoinsItself() {
		return nil
	}
	if err := c.cg.Create(); err != nil {
		return err
	}
	// The first state holds the planned cgroup; it is saved again only where making it
	// changed the paths (hierarchies a rootless create may not write are dropped).
	made := c.cg.Save()
	if maps.Equal(made.Paths, c.state.Cgroup.Paths) {
		return nil
	}
	c.state.Cgroup = made
	return c.dir.Save(c.state)
}

func checkTerminalFlags(s *specs.Spec, o *CreateOptions) error {
	switch {
	case s.Process.Terminal && o.ConsoleSocket == "" && o.detached:
		return fmt.Errorf("process.terminal is true: --console-socket is required to receive the terminal")
	case !s.Process.Terminal && o.ConsoleSocket != "":
		return fmt.Errorf("--console-socket given but process.terminal is false")
	}
	return nil
}

// configure sends init its config and serves its requests until it reports ready.
func (c *Container) configure(l *launched, o *CreateOptions, plan *namespaces.Plan) error {
	s := c.state.Config
	st, err := sys.ReadProcStat(l.pid)
	if err != nil {
		return fmt.Errorf("init exited early: %w", err)
	}
	// The state says creating by the start socket's mode until MarkCreated.
	c.state.Pid, c.state.StartTime = l.pid, st.StartTime
	if err := c.dir.Save(c.state); err != nil {
		return err
	}
	if !c.cg.JoinsItself() {
		// systemd moves init into the container's scope; init waits for its config meanwhile.
		if err := c.cg.Apply(l.pid); err != nil {
			return err
		}
		c.state.Cgroup = c.cg.Save()
		if err := c.dir.Save(c.state); err != nil {
			return err
		}
	}
	if err := c.moveNetDevices(l.pid); err != nil {
		return err
	}
	filter, err := c.keepFilter(o.filter)
	if err != nil {
		return err
	}
	cfg := &protocol.InitConfig{
		Seccomp: filter,
		Spec:    s, Rootfs: c.state.Rootfs, NoPivot: o.NoPivot, NoNewKeyring: o.NoNewKeyring,
		PreserveFds: o.ListenFds + o.PreserveFds, State: c.state.Spec(state.Creating),
		NewMountNS:  plan.Has(specs.MountNamespace) && !plan.Joined(specs.MountNamespace),
		InUserNS:    plan.Has(specs.UserNamespace),
		NewUTSNS:    plan.New(specs.UTSNamespace),
		NewCgroupNS: plan.InitMakesCgroupNS(),
		InCgroupNS:  plan.Has(specs.CgroupNamespace),
	}
	if err := protocol.Send(l.sync, &protocol.Message{Kind: protocol.KindConfig, Config: cfg}); err != nil {
		if errors.Is(err, protocol.ErrTooLarge) {
			return fmt.Errorf("config.json is too large for berth: %w", err)
		}
		return err
	}
	userns := usernsCache{} // for idmapped mounts
	defer userns.close()
	var h specs.Hooks
	if s.Hooks != nil {
		h = *s.Hooks
	}
	//lint:ignore SA1019 prestart is deprecated but still part of the spec, and runc honours it
	explain := boundWait(l.sync, "set the container up", h.Prestart, h.CreateRuntime, h.CreateContainer)
	_, err = protocol.Serve(l.sync, map[protocol.Kind]protocol.Handler{
		protocol.KindIDMap: func(m *protocol.Message) error { return c.idmapMount(l, m, userns) },
		protocol.KindHooks: func(*protocol.Message) error { return c.serveHooks(l) },
	}, protocol.KindReady)
	if err = explain(err); err != nil {
		return initFailed(err)
	}
	return nil
}

func initFailed(err error) error {
	if err == protocol.ErrClosed {
		return fmt.Errorf("container init exited without saying why")
	}
	return err
}

// serveHooks runs the prestart and createRuntime hooks while init waits, its mounts in place.
func (c *Container) serveHooks(l *launched) error {
	if err := c.runCreateRuntimeHooks(); err != nil {
		return err
	}
	return protocol.Send(l.sync, &protocol.Message{Kind: protocol.KindHooksDone})
}

func (c *Container) runCreateRuntimeHooks() error {
	h := c.state.Config.Hooks
	st := c.state.Spec(state.Creating)
	//lint:ignore SA1019 prestart is deprecated but still part of the spec, and runc honours it
	if err := hooks.Run(hooks.Prestart, h.Prestart, st); err != nil {
		return err
	}
	return hooks.Run("createRuntime", h.CreateRuntime, st)
}

// abort undoes a failed create: give moved network devices back, kill init, reap it, remove its
// cgroup and the state directory.
func (c *Container) abort(l *launched) {
	c.returnNetDevices()
	if l != nil {
		l.sendKill()
		if err := c.thawForKill(); err != nil {
			slog.Warn("cleanup after failed create", "id", c.state.ID, "error", err)
		}
		l.reap()
		l.release()
	}
	if c.cg != nil {
		if err := c.cg.Destroy(); err != nil {
			slog.Warn("cleanup after failed create", "id", c.state.ID, "error", err)
		}
	}
	if err := c.dir.Remove(); err != nil {
		slog.Warn("cleanup after failed create", "id", c.state.ID, "error", err)
	}
}
