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
// no Go threads count against the container's pids.max. It returns nil, to go through `berth
// init`, when the process needs what only init does: an LSM label, a scheduler, I/O
// priority, a final CPU affinity, a personality, a memory policy or a seccomp listener, or when
// berth must move it into its cgroup itself (systemd) before it runs.
func (c *Container) directExecPlan(p *specs.Process, preserve int) (*protocol.ExecPlan, error) {
	l := c.state.Config.Linux
	if l == nil {
		l = &specs.Linux{}
	}
	if needsInit(p, l) || (c.cg != nil && !c.cg.JoinsItself()) {
		return nil, nil
	}
	filter, err := c.execFilter(l.Seccomp)
	if err != nil || filter.Notifies() {
		return nil, err
	}
	caps, lastCap, err := process.CapMasks(p.Capabilities)
	if err != nil {
		return nil, err
	}
	rlimits, err := planRlimits(p.Rlimits)
	if err != nil {
		return nil, err
	}
	prog, flags := filter.Program()
	plan := &protocol.ExecPlan{
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
	return plan, nil
}

// needsInit says whether p asks for something the C exec path does not do.
func needsInit(p *specs.Process, l *specs.Linux) bool {
	return p.ApparmorProfile != "" || p.SelinuxLabel != "" ||
		p.Scheduler != nil || p.IOPriority != nil ||
		(p.ExecCPUAffinity != nil && p.ExecCPUAffinity.Final != "") ||
		l.Personality != nil || l.MemoryPolicy != nil
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
