package container

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/berth-runtime/berth/libcontainer/cgroups"
	"github.com/berth-runtime/berth/libcontainer/exeseal"
	"github.com/berth-runtime/berth/libcontainer/namespaces"
	"github.com/berth-runtime/berth/libcontainer/protocol"
	"github.com/berth-runtime/berth/libcontainer/state"
)

// launched is a started init process, seen from the host.
type launched struct {
	pid   int // the real init: the process started, or its child when nsenter forked
	pidfd int
	sync  *os.File
	// ours is true while init is berth's child and must be reaped by berth.
	ours bool
	logs *initLogRelay // init's log stream, relayed into berth's logger
	// cgroupSock is where the tasks files go once the cgroup is made (launchSpec.cgroupLater);
	// nil otherwise, or once they are sent.
	cgroupSock *os.File
}

// launchSpec says what init gets besides its namespaces and cgroup.
type launchSpec struct {
	preserve int      // fds 3 .. 3+preserve-1 of berth pass on at the same numbers
	console  *os.File // connection to the console socket, or nil
	startDir string   // state directory for the start socket; "" when init execs at once
	dir      string   // init's working directory
	// subCgroup: sub-cgroups of the container's to join instead (exec --cgroup).
	subCgroup map[string]string
	stdio     *stdio // fds 0-2 (initStdio)
	// execPlan: exec's process for the C constructor to run without `berth init`'s Go part
	// (directExecPlan), or nil.
	execPlan *os.File
	// cgroupLater: the cgroup is made while init starts (cgroups.Manager.CanJoinLater); init
	// waits in its C constructor for the tasks files (sendCgroupFiles). unified is the hybrid
	// host's cgroup2 directory, made already, which init's clone3 joins; or nil.
	cgroupLater bool
	unified     *os.File
}

// launch starts `berth init` in the container's namespaces. The fds init gets are laid out as
// docs/ARCHITECTURE.md says: stdio, the preserved fds, then berth's own.
func launch(c *Container, ls launchSpec, plan *namespaces.Plan) (*launched, error) {
	hostSync, initSync, err := socketpair()
	if err != nil {
		return nil, err
	}
	defer initSync.Close()
	l := &launched{sync: hostSync, pidfd: -1}
	defer func() {
		if l.pid == 0 { // not started: nobody waits on the cgroup socket
			l.closeCgroupSock()
		}
	}()
	logHost, logChild, err := newLogStream()
	if err != nil {
		hostSync.Close()
		return nil, err
	}
	defer logChild.Close()
	defer func() {
		if l.logs == nil {
			logHost.Close()
		}
	}()

	extra := preservedFiles(ls.preserve)
	// init gets only berth's own variables (package protocol names them all), each once:
	// nothing of the caller's environment (which might even carry _BERTH_* names) reaches the
	// container; the program's env comes from the config.
	var env protocol.Env
	add := func(name string, f *os.File) {
		env.Set(name, strconv.Itoa(3+len(extra))) // a fresh name each time: cannot clash
		extra = append(extra, f)
	}
	add(protocol.EnvSyncFd, initSync)
	if ls.startDir != "" {
		startLn, err := listenStart(ls.startDir)
		if err != nil {
			hostSync.Close()
			return nil, err
		}
		defer startLn.Close()
		add(protocol.EnvStartFd, startLn)
	}
	if ls.console != nil {
		add(protocol.EnvConsoleFd, ls.console)
	}
	add(protocol.EnvLogFd, logChild)
	env.Set(protocol.EnvLogLevel, logStreamLevel(slog.Default()))
	if ls.execPlan != nil {
		add(protocol.EnvExecPlanFd, ls.execPlan)
		env.Set(protocol.EnvNsenter, "1")
	}
	nsFiles, nsEnv, err := plan.OpenJoins(3 + len(extra))
	if err != nil {
		hostSync.Close()
		return nil, err
	}
	defer closeAll(nsFiles)
	extra = append(extra, nsFiles...)
	attr := plan.SysProcAttr()
	var cg *cgroupFiles
	if ls.cgroupLater {
		l.cgroupSock, cg, err = cgroupJoinLater(ls.unified, plan, attr, 3+len(extra))
	} else {
		cg, err = cgroupJoin(c, ls.subCgroup, plan, attr, 3+len(extra))
	}
	if err == nil {
		defer cg.close()
		err = setAll(&env, append(nsEnv, cg.env...))
	}
	if err != nil {
		hostSync.Close()
		return nil, err
	}
	extra = append(extra, cg.pass...)

	// init runs from a sealed view of berth's binary, never the host file (CVE-2019-5736). It
	// is the last extra file, so its number in the child is known whatever else is passed;
	// init marks it close-on-exec with the rest of berth's fds.
	exe, err := exeseal.Open()
	if err != nil {
		hostSync.Close()
		return nil, err
	}
	defer exe.Close()
	extra = append(extra, exe)

	path := "/proc/self/fd/" + strconv.Itoa(3+len(extra)-1)
	l.pid, err = spawn(path, env.List(), ls.dir, ls.stdio.files, extra, attr)
	ls.stdio.closeChildEnds()
	if err != nil {
		hostSync.Close()
		return nil, fmt.Errorf("start init: fork/exec %s: %w", path, err)
	}
	l.ours = true
	l.logs = startInitLogRelay(logHost, slog.Default(), c.state.ID)
	if plan.Forks() {
		if err := l.adoptForkedInit(); err != nil {
			return l, err
		}
	}
	if l.pidfd, err = unix.PidfdOpen(l.pid, 0); err != nil {
		return l, fmt.Errorf("pidfd_open init: %w", err)
	}
	return l, nil
}

// spawn starts `berth init` from path with stdio (nil is /dev/null) as fds 0-2 and extra as
// 3, 4, ... It calls syscall.ForkExec itself: os/exec's first Start in a process also forks and
// reaps a throwaway child to probe pidfd support, ~0.2-0.4 ms that every create, run and exec
// paid for nothing (berth opens its own pidfd).
func spawn(path string, env []string, dir string, stdio [3]*os.File, extra []*os.File, attr *syscall.SysProcAttr) (int, error) {
	files := make([]uintptr, 0, 3+len(extra))
	var null *os.File
	for _, f := range stdio {
		if f == nil {
			if null == nil {
				var err error
				if null, err = os.OpenFile(os.DevNull, os.O_RDWR|unix.O_CLOEXEC, 0); err != nil {
					return 0, err
				}
				defer null.Close()
			}
			f = null
		}
		files = append(files, f.Fd())
	}
	for _, f := range extra {
		files = append(files, f.Fd())
	}
	pid, err := syscall.ForkExec(path, []string{"berth", "init"}, &syscall.ProcAttr{Dir: dir, Env: env, Files: files, Sys: attr})
	runtime.KeepAlive(stdio)
	runtime.KeepAlive(extra)
	return pid, err
}

// cgroupJoin arranges for init to be in its cgroup before it runs any Go code. On v1 the
// nsenter constructor writes into the tasks files passed on (fds firstFd, firstFd+1, ...). On v2
// clone3 places it there (placeInDir).
func cgroupJoin(c *Container, sub map[string]string, plan *namespaces.Plan, attr *syscall.SysProcAttr, firstFd int) (*cgroupFiles, error) {
	if c.cg == nil || !c.cg.JoinsItself() {
		return &cgroupFiles{}, nil
	}
	tasks, dir, err := c.cg.OpenJoinFiles(sub)
	if err != nil {
		return nil, err
	}
	cf := &cgroupFiles{pass: tasks}
	if len(tasks) > 0 {
		fds := make([]string, len(tasks))
		for i := range tasks {
			fds[i] = strconv.Itoa(firstFd + i)
		}
		cf.env = append(cf.env, protocol.EnvCgroupFds+"="+strings.Join(fds, ","))
	}
	cf.placeInDir(dir, plan, attr, firstFd)
	if len(cf.env) > 0 {
		cf.env = append([]string{protocol.EnvNsenter + "=1"}, cf.env...)
	}
	return cf, nil
}

// cgroupJoinLater is cgroupJoin for an init started before its cgroup is made: the child's end
// of a socket on which sendCgroupFiles sends the v1 tasks files, and unified (a hybrid host's
// cgroup2 directory, made already) placed as cgroupJoin places a v2 directory. host is berth's
// end of the socket.
func cgroupJoinLater(unified *os.File, plan *namespaces.Plan, attr *syscall.SysProcAttr, firstFd int) (host *os.File, cf *cgroupFiles, err error) {
	host, child, err := hostSocketpair("cgroup")
	if err != nil {
		return nil, nil, err
	}
	cf = &cgroupFiles{
		pass: []*os.File{child},
		env:  []string{protocol.EnvNsenter + "=1", protocol.EnvCgroupSock + "=" + strconv.Itoa(firstFd)},
	}
	cf.placeInDir(unified, plan, attr, firstFd)
	return host, cf, nil
}

// cgroupFiles is what init gets for its cgroup join: files passed on (numbered from launch's
// firstFd), files kept open only until init is started, and the variables that tell nsenter.
type cgroupFiles struct {
	pass, keep []*os.File
	env        []string
}

// placeInDir has init start in the cgroup v2 directory dir (if any) through clone3: nsenter's own
// fork when it forks after joining only (exec), so its short-lived parent never counts against
// pids.max; otherwise the host's clone3 (CLONE_INTO_CGROUP), with dir kept open until init is
// started, not passed on.
func (cf *cgroupFiles) placeInDir(dir *os.File, plan *namespaces.Plan, attr *syscall.SysProcAttr, firstFd int) {
	switch {
	case dir == nil:
	case plan.OnlyJoins():
		cf.env = append(cf.env, protocol.EnvCgroupDirFd+"="+strconv.Itoa(firstFd+len(cf.pass)))
		cf.pass = append(cf.pass, dir)
	default:
		attr.UseCgroupFD, attr.CgroupFD = true, int(dir.Fd())
		cf.keep = append(cf.keep, dir)
	}
}

// close closes the host's copies once init has them.
func (cf *cgroupFiles) close() { closeAll(append(cf.pass, cf.keep...)) }

// sendCgroupFiles gives an init started before its cgroup (launchSpec.cgroupLater) the tasks
// files of the cgroup now made; its C constructor joins them before any Go code runs.
func (l *launched) sendCgroupFiles(cg *cgroups.Manager) error {
	defer l.closeCgroupSock()
	tasks, err := cg.OpenTasks()
	if err != nil {
		return err
	}
	defer closeAll(tasks)
	fds := make([]int, len(tasks))
	for i, f := range tasks {
		fds[i] = int(f.Fd())
	}
	var oob []byte
	if len(fds) > 0 {
		oob = unix.UnixRights(fds...)
	}
	if err := unix.Sendmsg(int(l.cgroupSock.Fd()), []byte{0}, oob, nil, 0); err != nil {
		return fmt.Errorf("send init its cgroup: %w", os.NewSyscallError("sendmsg", err))
	}
	return nil
}

// closeCgroupSock closes berth's end of the cgroup socket: an init still waiting on it gives up.
func (l *launched) closeCgroupSock() {
	if l != nil && l.cgroupSock != nil {
		l.cgroupSock.Close()
		l.cgroupSock = nil
	}
}

// setAll sets each NAME=value of vars in env: the namespace plan and the cgroup join may both
// turn the constructor on; anything else set twice is a bug that env refuses.
func setAll(env *protocol.Env, vars []string) error {
	for _, v := range vars {
		name, value, _ := strings.Cut(v, "=")
		if err := env.Set(name, value); err != nil {
			return err
		}
	}
	return nil
}

// adoptForkedInit reads the PID of the init that nsenter forked (a child of ours through
// CLONE_PARENT) and reaps the intermediate process.
func (l *launched) adoptForkedInit() error {
	m, err := protocol.Expect(l.sync, protocol.KindPid)
	ws := l.reap() // the intermediate process
	if err != nil {
		if err == protocol.ErrClosed && !(ws.Exited() && ws.ExitStatus() == 0) {
			return fmt.Errorf("nsenter: %s", statusText(ws))
		}
		return err
	}
	if m.Pid <= 0 {
		return fmt.Errorf("nsenter: bad pid %d", m.Pid)
	}
	l.pid, l.ours = m.Pid, true
	return nil
}

// statusText says how a process ended, as os/exec does ("exit status 1", "signal: killed").
func statusText(ws unix.WaitStatus) string {
	if ws.Signaled() {
		return "signal: " + ws.Signal().String()
	}
	return "exit status " + strconv.Itoa(ws.ExitStatus())
}

// kill ends a half-made init and reaps it.
func (l *launched) kill() {
	l.sendKill()
	l.reap()
}

// sendKill sends SIGKILL to a half-made init without waiting for it: a frozen one dies only
// once its cgroup is thawed.
func (l *launched) sendKill() {
	var err error
	if l.pidfd >= 0 {
		err = os.NewSyscallError("pidfd_send_signal", unix.PidfdSendSignal(l.pidfd, unix.SIGKILL, nil, 0))
	} else if l.pid > 0 {
		err = os.NewSyscallError("kill", unix.Kill(l.pid, unix.SIGKILL))
	}
	if err != nil && !errors.Is(err, unix.ESRCH) {
		slog.Warn("kill the half-made init", "pid", l.pid, "error", err)
	}
}

// reap waits for init when it is berth's child; it returns init's wait status.
func (l *launched) reap() unix.WaitStatus {
	var ws unix.WaitStatus
	if !l.ours || l.pid <= 0 {
		return ws
	}
	for {
		_, err := unix.Wait4(l.pid, &ws, 0, nil)
		if err != unix.EINTR {
			break
		}
	}
	l.ours = false
	return ws
}

// explain adds to err, which ended init's setup, what init logged as its last words.
func (l *launched) explain(err error) error {
	if l == nil {
		return err
	}
	return l.logs.explain(err)
}

// release closes berth's ends; init, if it lives on, is no longer berth's business. Its log
// records written until now are relayed; later ones are not read.
func (l *launched) release() {
	l.closeCgroupSock()
	l.logs.finish()
	if l.sync != nil {
		l.sync.Close()
		l.sync = nil
	}
	if l.pidfd >= 0 {
		unix.Close(l.pidfd)
		l.pidfd = -1
	}
}

func socketpair() (host, child *os.File, err error) {
	return hostSocketpair("sync")
}

// hostSocketpair makes a socketpair between berth and init named name. Our end is non-blocking,
// so that waits on init can have a deadline (boundWait) and the log relay can stop; init's end,
// a socket of its own, stays blocking.
func hostSocketpair(name string) (host, child *os.File, err error) {
	fds, err := unix.Socketpair(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, nil, os.NewSyscallError("socketpair", err)
	}
	if err := unix.SetNonblock(fds[0], true); err != nil {
		unix.Close(fds[0])
		unix.Close(fds[1])
		return nil, nil, os.NewSyscallError("fcntl O_NONBLOCK", err)
	}
	return os.NewFile(uintptr(fds[0]), name), os.NewFile(uintptr(fds[1]), name), nil
}

// listenStart binds the start socket in the state directory, not ready for start yet
// (state.StartSocketCreating), and listens on it.
func listenStart(dir string) (*os.File, error) {
	return startSocket(dir, func(fd int, addr *unix.SockaddrUnix) error {
		if err := unix.Bind(fd, addr); err != nil {
			return fmt.Errorf("bind start socket: %w", err)
		}
		if err := unix.Chmod(addr.Name, uint32(state.StartSocketCreating)); err != nil {
			return fmt.Errorf("start socket: %w", os.NewSyscallError("chmod", err))
		}
		if err := unix.Listen(fd, 4); err != nil {
			return fmt.Errorf("listen on start socket: %w", err)
		}
		return nil
	})
}

// dialStart connects to a created container's start socket.
func dialStart(dir string) (*os.File, error) {
	return startSocket(dir, func(fd int, addr *unix.SockaddrUnix) error {
		if err := unix.Connect(fd, addr); err != nil {
			return err
		}
		// Non-blocking once connected (not the listening socket: init accepts on it), so
		// that start's wait for the exec can have a deadline (boundWait).
		return unix.SetNonblock(fd, true)
	})
}

// startSocket makes a unix socket and binds or connects it (use) to the start socket of the
// state directory dir. The address goes through the directory's /proc/self/fd path, so that a
// long --root cannot overflow sun_path.
func startSocket(dir string, use func(fd int, addr *unix.SockaddrUnix) error) (*os.File, error) {
	d, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	fd, err := unix.Socket(unix.AF_UNIX, unix.SOCK_STREAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return nil, os.NewSyscallError("socket", err)
	}
	addr := &unix.SockaddrUnix{Name: "/proc/self/fd/" + strconv.Itoa(int(d.Fd())) + "/" + state.StartSocket}
	if err := use(fd, addr); err != nil {
		unix.Close(fd)
		return nil, err
	}
	return os.NewFile(uintptr(fd), "start"), nil
}

func preservedFiles(n int) []*os.File {
	files := make([]*os.File, 0, n+4)
	for i := 0; i < n; i++ {
		files = append(files, os.NewFile(uintptr(3+i), "preserved"))
	}
	return files
}

// consoleFile connects to --console-socket, or returns run's internal console socket.
func consoleFile(o *CreateOptions) (*os.File, error) {
	if o.console != nil {
		return o.console, nil
	}
	if o.ConsoleSocket == "" {
		return nil, nil
	}
	path, err := filepath.Abs(o.ConsoleSocket)
	if err != nil {
		return nil, err
	}
	conn, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: path, Net: "unix"})
	if err != nil {
		return nil, fmt.Errorf("--console-socket: %w", err)
	}
	defer conn.Close()
	return conn.File()
}

func closeAll(files []*os.File) {
	for _, f := range files {
		f.Close()
	}
}
