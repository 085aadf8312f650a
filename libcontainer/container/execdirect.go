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
// cwd, env, seccomp, preserved fds) then costs one C start instead of a Go one, and no Go
// threads count against the container's pids.max. It returns nil, to go through `berth init`,
// when the process needs what only init does: a terminal, an LSM label, a scheduler, I/O
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
	return plan, nil
}

// needsInit says whether p asks for something the C exec path does not do.
func needsInit(p *specs.Process, l *specs.Linux) bool {
	return p.Terminal || p.ApparmorProfile != "" || p.SelinuxLabel != "" ||
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

// execFilter returns the container's compiled seccomp filter: compiled by the first exec and
// kept in the state directory for the next (linux.seccomp never changes after create, and
// compiling a default-sized profile costs about 2 ms).
func (c *Container) execFilter(s *specs.LinuxSeccomp) (*seccomp.Filter, error) {
	if s == nil {
		return nil, nil
	}
	path := filepath.Join(c.dir.Path, seccompCache)
	if data, err := os.ReadFile(path); err == nil {
		var f seccomp.Filter
		if f.UnmarshalBinary(data) == nil {
			return &f, nil
		}
	}
	f, err := seccomp.Build(s)
	if err != nil {
		return nil, err
	}
	data, _ := f.MarshalBinary()
	if err := state.WriteFileAtomic(path, data, 0o600); err != nil {
		slog.Debug("keep the compiled seccomp filter", "id", c.state.ID, "error", err)
	}
	return f, nil
}
