package container

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/berth-runtime/berth/libcontainer/console"
	"github.com/berth-runtime/berth/libcontainer/fdpass"
	"github.com/berth-runtime/berth/libcontainer/namespaces"
	"github.com/berth-runtime/berth/libcontainer/protocol"
	"github.com/berth-runtime/berth/libcontainer/sched"
	"github.com/berth-runtime/berth/libcontainer/state"
)

// ExecOptions are exec's flags, with the process already built (see ExecProcess).
type ExecOptions struct {
	Process       *specs.Process
	ConsoleSocket string
	PidFile       string
	PidfdSocket   string
	PreserveFds   int
	Detach        bool
	IgnorePaused  bool
	// SubCgroup: exec --cgroup, parsed by cgroups.ParseSubCgroups.
	SubCgroup map[string]string
	// onLaunch, if set, is called once the process is started: from then on berth mostly waits
	// for it (the foreground catches the signals that can wait then).
	onLaunch func()
}

// Exec runs another process in the container, in all of its namespaces and its cgroup, set up
// from o.Process. Detached it returns once the program runs; in the foreground it relays
// signals (and the terminal without a console socket) and returns the program's exit status.
func (c *Container) Exec(o *ExecOptions) (int, error) {
	if err := c.checkExecStatus(o.IgnorePaused); err != nil {
		return 1, err
	}
	// The container's own fields (namespaces, mount label, Intel RDT) passed these checks at
	// create; the new process's are checked alone.
	if err := checkHostSupport(&specs.Spec{Process: o.Process}); err != nil {
		return 1, err
	}
	consoleHost, cons, err := execConsole(o)
	if err != nil {
		return 1, err
	}
	if consoleHost != nil {
		defer consoleHost.Close()
	}
	io, err := initStdio(o.Process.Terminal, o.Detach)
	if err != nil {
		return 1, err
	}
	var fwd *forwarder
	if !o.Detach {
		fwd = forwardSignalsSoon()
		defer fwd.stop()
		o.onLaunch = fwd.catchRest
	}
	l, err := c.launchExec(o, cons, io)
	if cons != nil {
		cons.Close()
	}
	if err != nil {
		if l != nil {
			l.kill()
			err = l.explain(err)
			l.release()
		}
		return 1, err
	}
	defer l.release()
	if o.Detach {
		return 0, nil
	}
	fwd.target <- l.pidfd
	phases := newPhaseLog("exec", c.state.ID)
	code, err := c.waitExec(l, consoleHost, o.Process.Terminal)
	phases.done("wait", "program exited", "status", code)
	io.wait()
	return code, err
}

func (c *Container) checkExecStatus(ignorePaused bool) error {
	switch status := c.Status(); status {
	case string(state.Running), string(state.Created):
		return nil
	case Paused:
		if ignorePaused {
			return nil
		}
		return errors.New("cannot exec in a paused container (use --ignore-paused to override)")
	default:
		return fmt.Errorf("cannot exec in a %s container", status)
	}
}

// execConsole returns the console connection init sends the pty master to: --console-socket,
// or, in the foreground, a socketpair whose other end berth relays itself.
func execConsole(o *ExecOptions) (host, child *os.File, err error) {
	switch {
	case !o.Process.Terminal && o.ConsoleSocket != "":
		return nil, nil, errors.New("--console-socket given but there is no terminal (use --tty)")
	case !o.Process.Terminal:
		return nil, nil, nil
	case o.ConsoleSocket != "":
		child, err = consoleFile(&CreateOptions{ConsoleSocket: o.ConsoleSocket})
		return nil, child, err
	case o.Detach:
		return nil, nil, errors.New("--tty with --detach needs --console-socket to receive the terminal")
	}
	return socketpair()
}

// launchExec starts init in the container's namespaces and cgroup and waits until it has
// become the program (EOF on the sync socket) or failed.
func (c *Container) launchExec(o *ExecOptions, cons *os.File, io *stdio) (*launched, error) {
	phases := newPhaseLog("exec", c.state.ID)
	pidfd, err := c.openInit()
	if err != nil {
		return nil, err
	}
	defer unix.Close(pidfd)
	plan, err := namespaces.PlanToEnter(c.state.Config, c.state.Pid)
	if err != nil {
		return nil, err
	}
	if _, err := c.cgroup(); err != nil && c.state.Cgroup != nil {
		return nil, err
	}
	direct, why, err := c.directExecPlan(o.Process, o.PreserveFds)
	if err != nil {
		return nil, err
	}
	var before cgroupStops
	if direct == nil {
		if before, err = c.checkInitRoom(why); err != nil {
			return nil, err
		}
	}
	ls := launchSpec{preserve: o.PreserveFds, console: cons, dir: "/", subCgroup: o.SubCgroup, stdio: io}
	if direct != nil {
		if ls.execPlan, err = direct.File(); err != nil {
			return nil, err
		}
		defer ls.execPlan.Close()
	}
	l, err := withInitialAffinity(o.Process, func() (*launched, error) {
		return launch(c, ls, plan)
	})
	if err != nil {
		return l, err
	}
	phases.done("clone", "init cloned into the container's namespaces", "pid", l.pid)
	if o.onLaunch != nil {
		o.onLaunch()
	}
	// The namespace files were opened by path: make sure they still were init's.
	if exited(pidfd) {
		return l, errNotRunning
	}
	if c.cg != nil && !c.cg.JoinsItself() {
		if err := c.cg.Join(l.pid); err != nil {
			return l, err
		}
	}
	if direct == nil {
		if err := c.sendExecConfig(l, o); err != nil {
			return l, c.explainInitDeath(err, before)
		}
	}
	if err := c.awaitExec(l.sync, state.Running, true); err != nil {
		return l, c.explainInitDeath(err, before)
	}
	phases.done("exec", "program started")
	l.logs.flush()
	return l, publishPid(l.pid, l.pidfd, o.PidFile, o.PidfdSocket)
}

// sendExecConfig gives `berth init` the process to set up, when it was not planned for the C
// constructor alone.
func (c *Container) sendExecConfig(l *launched, o *ExecOptions) error {
	full, err := c.state.FullConfig() // init gets the whole config, not exec's part of it
	if err != nil {
		return err
	}
	spec := *full
	spec.Process = o.Process
	cfg := &protocol.InitConfig{Spec: &spec, Exec: true, PreserveFds: o.PreserveFds, State: c.state.Spec(state.Running)}
	if l := spec.Linux; l != nil {
		f, err := c.execFilter(l.Seccomp)
		if err != nil {
			return err
		}
		if f != nil {
			cfg.Seccomp, _ = f.MarshalBinary()
		}
	}
	return protocol.Send(l.sync, &protocol.Message{Kind: protocol.KindConfig, Config: cfg})
}

// withInitialAffinity runs start with this thread bound to process.execCPUAffinity.initial, so
// that the process it forks starts there, before it joins the container's cgroup (init applies
// .final before execve). The thread's own affinity is restored afterwards.
func withInitialAffinity(p *specs.Process, start func() (*launched, error)) (*launched, error) {
	if p.ExecCPUAffinity == nil || p.ExecCPUAffinity.Initial == "" {
		return start()
	}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var saved unix.CPUSet
	if err := unix.SchedGetaffinity(0, &saved); err != nil {
		return nil, os.NewSyscallError("sched_getaffinity", err)
	}
	if err := sched.SetExecCPUAffinity(p.ExecCPUAffinity, sched.PhaseInitial); err != nil {
		return nil, err
	}
	defer func() {
		if err := unix.SchedSetaffinity(0, &saved); err != nil {
			slog.Warn("restore berth's CPU affinity after exec", "error", err)
		}
	}()
	return start()
}

// exited says whether the process of pidfd has exited (its pidfd is readable). A failed poll
// says no: the caller then waits for the process, which reports the truth.
func exited(pidfd int) bool {
	fds := []unix.PollFd{{Fd: int32(pidfd), Events: unix.POLLIN}}
	n, err := unix.Poll(fds, 0)
	return err == nil && n > 0
}

// waitExec relays signals and the terminal until the program exits, and returns its status.
func (c *Container) waitExec(l *launched, consoleHost *os.File, terminal bool) (int, error) {
	var relay *console.Relay
	if consoleHost != nil && terminal {
		master, err := fdpass.Recv(consoleHost)
		if err != nil {
			l.kill()
			return 1, fmt.Errorf("receive terminal: %w", err)
		}
		if relay, err = console.StartRelay(master); err != nil {
			l.kill()
			return 1, err
		}
	}
	ws := l.reap()
	if relay != nil {
		relay.Drain()
		relay.Close()
	}
	return exitCode(ws), nil
}
