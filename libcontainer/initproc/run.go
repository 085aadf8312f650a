package initproc

import (
	"fmt"
	"os"
	"path"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/berth-runtime/berth/libcontainer/console"
	"github.com/berth-runtime/berth/libcontainer/fdpass"
	"github.com/berth-runtime/berth/libcontainer/hooks"
	"github.com/berth-runtime/berth/libcontainer/lsm"
	"github.com/berth-runtime/berth/libcontainer/process"
	"github.com/berth-runtime/berth/libcontainer/procfs"
	"github.com/berth-runtime/berth/libcontainer/protocol"
	"github.com/berth-runtime/berth/libcontainer/rootfs"
	"github.com/berth-runtime/berth/libcontainer/seccomp"
	"github.com/berth-runtime/berth/libcontainer/sys"
)

type initProcess struct {
	sync      *os.File
	startConn *os.File
	cfg       *protocol.InitConfig
	spec      *specs.Spec
	slave     *os.File // the pty slave when process.terminal is set
	rootfs    *rootfs.Config
	filter    *seccomp.Filter
	// execAnnounced: start heard that execve is next and may have stopped reading (see
	// protocol.KindExecing), so a failed execve is also told on stderr.
	execAnnounced bool
	// startWaitsExec: start reads on to the execve's end anyway (protocol.Message.WaitExec).
	startWaitsExec bool
}

// run does init's work in the order of the protocol (see package protocol).
func (i *initProcess) run() error {
	if err := isolateFromCaller(); err != nil {
		return err
	}
	startLn, err := fdFromEnv(protocol.EnvStartFd)
	if err != nil {
		return err
	}
	consoleSock, err := fdFromEnv(protocol.EnvConsoleFd)
	if err != nil {
		return err
	}
	msg, err := protocol.Expect(i.sync, protocol.KindConfig)
	if err != nil {
		return err
	}
	i.cfg, i.spec = msg.Config, msg.Config.Spec
	watchRSS(i.cfg.NewMountNS && !i.cfg.Exec)
	logPhase("config", "config received from the host")
	if i.spec == nil || i.spec.Process == nil || (startLn == nil && !i.cfg.Exec) {
		return fmt.Errorf("init: incomplete config from the host")
	}
	if i.cfg.Exec {
		return i.runExec(consoleSock)
	}
	if i.cfg.NewCgroupNS {
		// Only now, inside the container's cgroups, so that they are the namespace's root.
		if err := unix.Unshare(unix.CLONE_NEWCGROUP); err != nil {
			return fmt.Errorf("linux.namespaces: new cgroup namespace: %w", err)
		}
	}
	if err := i.setupNamespaced(); err != nil {
		return err
	}
	logPhase("namespaces", "namespaces set up: hostname, sysctls, keyring")
	if err := i.setupRootfs(); err != nil {
		return err
	}
	logPhase("rootfs", "root entered: pivot_root, masked and read-only paths")
	if err := i.setupConsole(consoleSock); err != nil {
		return err
	}
	if err := i.finishRootfs(); err != nil {
		return err
	}
	prog, err := i.prepareProcess()
	if err != nil {
		return err
	}
	logPhase("process", "process prepared: console, rlimits, cwd, program found")
	if err := protocol.Send(i.sync, &protocol.Message{Kind: protocol.KindReady}); err != nil {
		return err
	}
	i.sync.Close()
	i.sync = nil

	var start *protocol.Message
	if i.startConn, start, err = waitForStart(startLn); err != nil {
		return err
	}
	i.startWaitsExec = start.WaitExec
	logPhase("start", "start received")
	return i.execProgram(prog)
}

// setupNamespaced does what belongs to the namespaces rather than the rootfs: hostname,
// sysctls, oom_score_adj, keyring. The /proc writes go through package procfs: with a joined
// mount namespace, the /proc in view is another container's to redirect.
func (i *initProcess) setupNamespaced() error {
	s := i.spec
	if i.cfg.NewUTSNS {
		if s.Hostname != "" {
			if err := unix.Sethostname([]byte(s.Hostname)); err != nil {
				return fmt.Errorf("hostname %q: %w", s.Hostname, err)
			}
		}
		if s.Domainname != "" {
			if err := unix.Setdomainname([]byte(s.Domainname)); err != nil {
				return fmt.Errorf("domainname %q: %w", s.Domainname, err)
			}
		}
	}
	if s.Linux != nil {
		if err := writeSysctls(s.Linux.Sysctl); err != nil {
			return err
		}
	}
	if adj := s.Process.OOMScoreAdj; adj != nil {
		v := fmt.Sprint(*adj)
		if err := procfs.WriteSelf("oom_score_adj", v); err != nil {
			return fmt.Errorf("process.oomScoreAdj %s: %w", v, err)
		}
	}
	if err := lsm.SetKeyLabel(s.Process.SelinuxLabel); err != nil {
		return fmt.Errorf("process.selinuxLabel: %w", err)
	}
	if !i.cfg.NoNewKeyring {
		// A fresh session keyring, so the container never shares the host's keys.
		if _, err := unix.KeyctlJoinSessionKeyring("_ses." + i.cfg.State.ID); err != nil && err != unix.ENOSYS {
			return fmt.Errorf("new session keyring (use --no-new-keyring to skip): %w", err)
		}
	}
	return nil
}

func writeSysctls(sysctls map[string]string) error {
	for key, value := range sysctls {
		rel, ok := sysctlPath(key)
		if !ok {
			return fmt.Errorf("linux.sysctl %q: invalid name", key)
		}
		if err := procfs.WriteSysctl(rel, value); err != nil {
			return fmt.Errorf("linux.sysctl %q=%q: %w", key, value, err)
		}
	}
	return nil
}

// sysctlPath turns a sysctl name into its path under /proc/sys, as sysctl(8) reads names:
// "net.ipv4.ip_forward", or with slashes when a component holds a dot
// ("net/ipv4/conf/eth0.100/forwarding"). No component may climb out of /proc/sys.
func sysctlPath(key string) (string, bool) {
	rel := key
	if !strings.Contains(key, "/") {
		rel = strings.ReplaceAll(key, ".", "/")
	}
	ok := rel != "" && !strings.ContainsRune(rel, 0) && path.Clean(rel) == rel &&
		!strings.HasPrefix(rel, "/") && rel != ".." && !strings.HasPrefix(rel, "../")
	return rel, ok
}

// setupRootfs builds the container's filesystem and runs the hooks that belong between the
// mounts and pivot_root: prestart/createRuntime on the host, createContainer here. The masks
// and read-only remounts wait for finishRootfs, after /dev/console exists.
func (i *initProcess) setupRootfs() error {
	rc := &rootfs.Config{
		Spec: i.spec, Rootfs: i.cfg.Rootfs, NoPivot: i.cfg.NoPivot,
		InUserNS: i.cfg.InUserNS, CgroupNS: i.cfg.InCgroupNS, IDMap: i.requestIDMap,
	}
	i.rootfs = rc
	if i.cfg.NewMountNS {
		if err := rootfs.Prepare(rc); err != nil {
			return err
		}
	}
	logPhase("mounts", "mounts done")
	if h := i.spec.Hooks; h != nil {
		//lint:ignore SA1019 prestart is deprecated but still part of the spec, and runc honours it
		if len(h.Prestart) > 0 || len(h.CreateRuntime) > 0 {
			if err := protocol.Send(i.sync, &protocol.Message{Kind: protocol.KindHooks}); err != nil {
				return err
			}
			if _, err := protocol.Expect(i.sync, protocol.KindHooksDone); err != nil {
				return err
			}
		}
		if err := hooks.Run(hooks.CreateContainer, h.CreateContainer, i.cfg.State); err != nil {
			return err
		}
		logPhase("hooks", "createContainer hooks run (prestart, createRuntime on the host)")
	}
	if !i.cfg.NewMountNS {
		return nil
	}
	if err := rootfs.Enter(rc); err != nil {
		return err
	}
	return process.MakeCwd(i.spec.Process)
}

// finishRootfs is the last step of the rootfs, once every mount point, device node and
// /dev/console is there: masked and read-only paths, then the read-only remounts (the "ro" of
// a tmpfs or of /dev, and root.readonly), as runc does.
func (i *initProcess) finishRootfs() error {
	if !i.cfg.NewMountNS {
		return nil
	}
	return rootfs.Finish(i.rootfs)
}

// requestIDMap hands the detached clone of idmapped mount spec.Mounts[index] to the host, which
// gives it its id mappings (package idmap), and waits for it to be done.
func (i *initProcess) requestIDMap(index int, mnt *os.File) error {
	if err := protocol.Send(i.sync, &protocol.Message{Kind: protocol.KindIDMap, Mount: index, File: mnt}); err != nil {
		return err
	}
	_, err := protocol.Expect(i.sync, protocol.KindIDMapDone)
	return err
}

// setupConsole makes the pty when process.terminal asks for one and hands its master to whoever
// listens on --console-socket.
func (i *initProcess) setupConsole(sock *os.File) error {
	p := i.spec.Process
	if !p.Terminal {
		if sock != nil {
			sock.Close()
		}
		return nil
	}
	if sock == nil {
		return fmt.Errorf("process.terminal: no console socket to send the terminal to")
	}
	defer sock.Close()
	master, slave, slavePath, err := console.NewPty()
	if err != nil {
		return fmt.Errorf("process.terminal: %w", err)
	}
	defer master.Close()
	if err := console.ClearONLCR(slave); err != nil {
		return fmt.Errorf("process.terminal: %w", err)
	}
	if p.ConsoleSize != nil {
		if err := console.SetSize(master, uint16(p.ConsoleSize.Height), uint16(p.ConsoleSize.Width)); err != nil {
			return fmt.Errorf("process.consoleSize: %w", err)
		}
	}
	if i.cfg.NewMountNS {
		if err := rootfs.BindConsole(slavePath); err != nil {
			return fmt.Errorf("process.terminal: /dev/console: %w", err)
		}
	}
	if err := fdpass.Send(sock, master); err != nil {
		return fmt.Errorf("process.terminal: send to console socket: %w", err)
	}
	i.slave = slave
	return nil
}

// prepareProcess does everything that keeps init's privileges: rlimits, cwd, and finding the
// program, so that a missing program fails create, not start.
func (i *initProcess) prepareProcess() (*process.Program, error) {
	p := i.spec.Process
	if err := process.SetRlimits(p); err != nil {
		return nil, err
	}
	if err := process.EnterCwd(p); err != nil {
		return nil, err
	}
	process.AddHome(p)
	prog, err := process.Resolve(p)
	if err != nil {
		return nil, err
	}
	// Ready now, so that a bad linux.seccomp fails create; loaded last, just before execve.
	if i.filter, err = i.seccompFilter(); err != nil {
		return nil, err
	}
	return prog, nil
}

// seccompFilter returns linux.seccomp as the host compiled it (InitConfig.Seccomp; none without
// linux.seccomp, which init's spec leaves out).
func (i *initProcess) seccompFilter() (*seccomp.Filter, error) {
	if len(i.cfg.Seccomp) == 0 {
		return nil, nil
	}
	var f seccomp.Filter
	if err := f.UnmarshalBinary(i.cfg.Seccomp); err != nil {
		return nil, fmt.Errorf("init: linux.seccomp compiled by the host: %w", err)
	}
	return &f, nil
}

// execProgram is the part after start: the terminal, the switch to the container's user and
// capabilities, the startContainer hooks (which run as the program will: same credentials, same
// seccomp filter unless no_new_privs defers it, none of berth's fds), and execve.
func (i *initProcess) execProgram(prog *process.Program) error {
	if i.slave != nil {
		if err := console.SetControllingTerminal(i.slave); err != nil {
			return fmt.Errorf("process.terminal: %w", err)
		}
	}
	if err := i.setProcessExtras(); err != nil {
		return err
	}
	// Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: load it while init still has
	// it. With no_new_privs, load it as late as possible, after everything berth itself does.
	nnp := i.spec.Process.NoNewPrivileges
	var notify *os.File
	var err error
	if !nnp {
		if notify, err = i.filter.Load(); err != nil {
			return err
		}
	}
	if err := process.SetCredentials(i.spec.Process); err != nil {
		return err
	}
	logPhase("credentials", "user, groups and capabilities set")
	if err := i.runStartContainerHooks(); err != nil {
		return err
	}
	if nnp {
		if notify, err = i.filter.Load(); err != nil {
			return err
		}
	}
	if notify != nil {
		if err := i.handOverNotifyFd(notify); err != nil {
			return err
		}
	}
	if err := sys.InheritFds(3, i.cfg.PreserveFds); err != nil {
		return fmt.Errorf("--preserve-fds: %w", err)
	}
	logPhase("exec", "exec "+prog.Path)
	if i.filter == nil && !i.startWaitsExec {
		i.announceExec()
	}
	return prog.Exec()
}

// announceExec tells start that execve is next (protocol.KindExecing), so that it need not wait
// through the kernel's execve of this multi-threaded process: everything berth sets up is in
// place by then. Only for a container without a seccomp filter: the frame must not be a
// syscall that the container's profile may refuse or kill, and announcing before the filter's
// load would let start return before the filter is there. A start that was not told reads EOF
// at the exec, as before.
func (i *initProcess) announceExec() {
	if i.startConn != nil && protocol.Send(i.startConn, &protocol.Message{Kind: protocol.KindExecing}) == nil {
		i.execAnnounced = true
	}
}

// runStartContainerHooks runs hooks.startContainer (not for exec) in the container, after start.
func (i *initProcess) runStartContainerHooks() error {
	h := i.spec.Hooks
	if h == nil || i.cfg.Exec {
		return nil
	}
	st := *i.cfg.State
	st.Status = specs.StateCreated
	return hooks.Run(hooks.StartContainer, h.StartContainer, &st)
}

// isolateFromCaller cuts init off from what it inherited from berth's caller before anything
// else runs: every fd from 3 up becomes close-on-exec, so that no hook and no program inherits
// berth's sockets, the sealed binary or a caller's fd (the preserved ones are handed over just
// before execve), and init starts a session of its own, so that the container never shares the
// caller's controlling terminal (/dev/tty, TIOCSTI into the caller's shell).
func isolateFromCaller() error {
	if err := sys.CloseExecFrom(3); err != nil {
		return err
	}
	if _, err := unix.Setsid(); err != nil {
		return os.NewSyscallError("setsid", err)
	}
	return nil
}

// handOverNotifyFd gives the seccomp notify fd to the host process waiting on init (start, or
// exec), which passes it on to linux.seccomp.listenerPath, and waits until it has: a program
// whose listener is missing must not run. Only sendmsg and recvmsg are used: the filter is
// loaded, and those are calls it can never send to the listener (package seccomp refuses it).
func (i *initProcess) handOverNotifyFd(fd *os.File) error {
	defer fd.Close()
	conn := i.startConn
	if conn == nil {
		conn = i.sync
	}
	if err := protocol.Send(conn, &protocol.Message{Kind: protocol.KindSeccompFd, File: fd}); err != nil {
		return err
	}
	_, err := protocol.Expect(conn, protocol.KindSeccompDone)
	return err
}
