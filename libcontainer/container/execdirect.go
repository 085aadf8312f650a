package container

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/berth-runtime/berth/libcontainer/process"
	"github.com/berth-runtime/berth/libcontainer/protocol"
	"github.com/berth-runtime/berth/libcontainer/seccomp"
	"github.com/berth-runtime/berth/libcontainer/state"
	"github.com/berth-runtime/berth/spec"
)

// directExecPlan returns the plan for the nsenter constructor to run the exec'd process by itself,
// with no Go runtime in the child (nsenter/exec.c): the common exec (ids, capabilities, rlimits,
// cwd, env, a terminal, seccomp, preserved fds) then costs one C start instead of a Go one, and
// no Go threads count against the container's pids.max. It returns no plan, to go through
// `berth init`, when the process needs what only init does, and says what in why: an LSM
// label, a scheduler, I/O priority, a final CPU affinity, a personality, a memory policy or a
// seccomp listener, or a cgroup berth must move it into itself (systemd) before it runs.
func (c *Container) directExecPlan(p *specs.Process, preserve int) (plan *protocol.ExecPlan, why string, err error) {
	l := c.state.Config.Linux
	if l == nil {
		l = &specs.Linux{}
	}
	if why := initOnly(p, l); why != "" {
		return nil, why, nil
	}
	if c.cg != nil && !c.cg.JoinsItself() {
		return nil, "the systemd cgroup driver", nil
	}
	filter, err := c.execFilter(l.Seccomp)
	if err != nil {
		return nil, "", err
	}
	if filter.Notifies() {
		return nil, "linux.seccomp.listenerPath", nil
	}
	caps, lastCap, err := process.CapMasks(p.Capabilities)
	if err != nil {
		return nil, "", err
	}
	rlimits, err := planRlimits(p.Rlimits)
	if err != nil {
		return nil, "", err
	}
	prog, flags := filter.Program()
	plan = &protocol.ExecPlan{
		UID: p.User.UID, GID: p.User.GID, Groups: p.User.AdditionalGids,
		Caps: caps, LastCap: lastCap, Rlimits: rlimits,
		PreserveFds:  uint32(preserve),
		SeccompFlags: uint32(flags), Seccomp: prog,
		Cwd: p.Cwd, Args: p.Args, Env: p.Env,
	}
	if p.NoNewPrivileges {
		plan.Flags |= protocol.ExecPlanNoNewPrivs
	}
	if p.User.Umask != nil {
		plan.Flags |= protocol.ExecPlanUmask
		plan.Umask = *p.User.Umask
	}
	if p.Terminal {
		plan.Flags |= protocol.ExecPlanTerminal
		if s := p.ConsoleSize; s != nil {
			plan.ConsoleHeight, plan.ConsoleWidth = uint32(s.Height), uint32(s.Width)
		}
	}
	return plan, "", nil
}

// initOnly names the field of p or l that asks for something the C exec path does not do;
// "" when there is none.
func initOnly(p *specs.Process, l *specs.Linux) string {
	switch {
	case p.ApparmorProfile != "":
		return "process.apparmorProfile"
	case p.SelinuxLabel != "":
		return "process.selinuxLabel"
	case p.Scheduler != nil:
		return "process.scheduler"
	case p.IOPriority != nil:
		return "process.ioPriority"
	case p.ExecCPUAffinity != nil && p.ExecCPUAffinity.Final != "":
		return "process.execCPUAffinity.final"
	case l.Personality != nil:
		return "linux.personality"
	case l.MemoryPolicy != nil:
		return "linux.memoryPolicy"
	}
	return ""
}

// planRlimits resolves process.rlimits' types to resource numbers, with init's wording.
func planRlimits(list []specs.POSIXRlimit) ([]protocol.Rlimit, error) {
	out := make([]protocol.Rlimit, len(list))
	for i, rl := range list {
		res, ok := spec.Rlimits[rl.Type]
		if !ok {
			return nil, fmt.Errorf("process.rlimits[%d].type %q: unknown rlimit", i, rl.Type)
		}
		out[i] = protocol.Rlimit{Resource: uint32(res), Soft: rl.Soft, Hard: rl.Hard}
	}
	return out, nil
}

// seccompCache is the file of the state directory that keeps the compiled linux.seccomp.
const seccompCache = "seccomp.bpf"

// compiledFilter is linux.seccomp being compiled on the host while init starts: compiling a
// default-sized profile costs about 2 ms (BenchmarkBuild), and the host only waits meanwhile.
type compiledFilter struct {
	done chan struct{}
	data []byte // seccomp.Filter's MarshalBinary; nil without linux.seccomp
	err  error
}

func compileSeccomp(l *specs.Linux) *compiledFilter {
	cf := &compiledFilter{done: make(chan struct{})}
	if l == nil || l.Seccomp == nil {
		close(cf.done)
		return cf
	}
	go func() {
		defer close(cf.done)
		f, err := seccomp.Build(l.Seccomp)
		if err != nil {
			cf.err = err
			return
		}
		cf.data, cf.err = f.MarshalBinary()
	}()
	return cf
}

// keepFilter waits for the compiled filter and keeps it in the state directory, where every
// exec finds it (linux.seccomp never changes after create).
func (c *Container) keepFilter(cf *compiledFilter) ([]byte, error) {
	<-cf.done
	if cf.err != nil || cf.data == nil {
		return nil, cf.err
	}
	if err := state.WriteFileAtomic(filepath.Join(c.dir.Path, seccompCache), cf.data, 0o600); err != nil {
		slog.Debug("keep the compiled seccomp filter", "id", c.state.ID, "error", err)
	}
	return cf.data, nil
}

// execFilter returns the container's compiled seccomp filter as create kept it, compiled (and
// kept) again when the file is missing or unreadable.
func (c *Container) execFilter(s *specs.LinuxSeccomp) (*seccomp.Filter, error) {
	if s == nil {
		return nil, nil
	}
	var f seccomp.Filter
	if data, err := os.ReadFile(filepath.Join(c.dir.Path, seccompCache)); err == nil && f.UnmarshalBinary(data) == nil {
		return &f, nil
	}
	data, err := c.keepFilter(compileSeccomp(&specs.Linux{Seccomp: s}))
	if err != nil {
		return nil, err
	}
	return &f, f.UnmarshalBinary(data)
}
