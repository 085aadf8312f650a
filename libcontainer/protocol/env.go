package protocol

import (
	"fmt"
	"slices"
)

// The environment of `berth init`, its whole contract. init gets nothing of the caller's
// environment, only these variables; the fds they name are numbered as the child sees them.
// The C constructor (package nsenter) reads its part before the Go runtime starts and removes
// it, except the sync and log fds, which init reads too; nsenter.h defines the same names (a
// test in package nsenter compares them).
//
//	_BERTH_SYNC_FD=N          the socketpair end init talks to the host on (this package);
//	                          the constructor reports its failures there too (required)
//	_BERTH_START_FD=N         create: the listening start socket init waits on
//	_BERTH_CONSOLE_FD=N       with process.terminal: the --console-socket connection (init's, or
//	                          the C part's for a planned exec)
//	_BERTH_LOG_FD=N           the log stream (log.go): a record per phase at debug level, an
//	                          error record when the sync fd cannot take an error frame (optional)
//	_BERTH_LOG_LEVEL=l        debug, info, warn or error: the lowest level written (default warn)
//	_BERTH_NSENTER=1          turn the C constructor on (any other value: off); then, optional:
//	_BERTH_CGROUP_FDS=N,...   cgroup v1 tasks files to write "0" into before anything else
//	                          (at most 16, none of them the sync, log or a namespace fd)
//	_BERTH_CGROUP_SOCK_FD=N   instead of _BERTH_CGROUP_FDS: a socket on which the host sends
//	                          the tasks files (one message, SCM_RIGHTS) once it has made the
//	                          cgroup, which create does while init starts
//	_BERTH_CGROUP_DIR_FD=N    a cgroup v2 directory that the fork places the child in (clone3
//	                          CLONE_INTO_CGROUP); needs _BERTH_FORK=1 and no _BERTH_UNSHARE; the
//	                          user and cgroup namespaces are then joined after the fork
//	_BERTH_NS_FDS=t:N,...     namespaces to join, t one of user mnt pid net ipc uts cgroup time,
//	                          each type at most once, N >= 3 an open namespace fd
//	_BERTH_UNSHARE=hex        clone flags to unshare after the joins, without 0x; namespace flags
//	                          only, not CLONE_NEWUSER (the host makes that one with clone)
//	_BERTH_TIMENS_OFFSETS=s   written to /proc/self/timens_offsets after the unshare, e.g.
//	                          "monotonic 10 0\n"; needs CLONE_NEWTIME in _BERTH_UNSHARE
//	_BERTH_FORK=1             fork once at the end; required when a pid namespace is joined or
//	                          new, also asked for when the host waits for the namespaces
//	                          (netDevices)
//	_BERTH_EXEC_PLAN_FD=N     exec only: a sealed memfd holding an ExecPlan (execplan.go); the
//	                          constructor then runs the process itself and never returns
const (
	EnvSyncFd      = "_BERTH_SYNC_FD"
	EnvStartFd     = "_BERTH_START_FD"
	EnvConsoleFd   = "_BERTH_CONSOLE_FD"
	EnvLogFd       = "_BERTH_LOG_FD"
	EnvLogLevel    = "_BERTH_LOG_LEVEL"
	EnvNsenter     = "_BERTH_NSENTER"
	EnvNsFds       = "_BERTH_NS_FDS"
	EnvUnshare     = "_BERTH_UNSHARE"
	EnvTimeOffsets = "_BERTH_TIMENS_OFFSETS"
	EnvFork        = "_BERTH_FORK"
	EnvCgroupFds   = "_BERTH_CGROUP_FDS"
	EnvCgroupDirFd = "_BERTH_CGROUP_DIR_FD"
	EnvCgroupSock  = "_BERTH_CGROUP_SOCK_FD"
	EnvExecPlanFd  = "_BERTH_EXEC_PLAN_FD"
)

// Env is init's environment as the host builds it: each variable at most once, whoever sets it
// (the fd layout, the namespace plan, the cgroup join).
type Env struct {
	names  []string
	values map[string]string
}

// Set gives name its value. Setting it again to the same value is allowed (both the namespace
// joins and the cgroup join turn the constructor on); to another value it is an error.
func (e *Env) Set(name, value string) error {
	if old, ok := e.values[name]; ok {
		if old != value {
			return fmt.Errorf("init environment: %s set to %q and to %q", name, old, value)
		}
		return nil
	}
	if e.values == nil {
		e.values = map[string]string{}
	}
	e.names = append(e.names, name)
	e.values[name] = value
	return nil
}

// Has says whether name is set.
func (e *Env) Has(name string) bool {
	_, ok := e.values[name]
	return ok
}

// List returns the environment as NAME=value strings, in the order first set.
func (e *Env) List() []string {
	list := make([]string, 0, len(e.names))
	for _, name := range e.names {
		list = append(list, name+"="+e.values[name])
	}
	return slices.Clip(list)
}
