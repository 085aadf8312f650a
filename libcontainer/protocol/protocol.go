// Package protocol is the conversation between berth on the host and the container's init.
//
// Both ends hold one end of a socketpair (SOCK_STREAM, close-on-exec on the host). Every message
// is a frame: a 4-byte little-endian length, then that many bytes of a JSON object whose "type"
// is its Kind. Frames longer than MaxFrame are refused before anything is read into memory. A
// message that carries an fd (idmap, seccompFd: the table kinds says which) says "fd": true and
// travels with it in one sendmsg (SCM_RIGHTS); both ends check that the fd is there exactly when
// the kind calls for it. Serve is the one receive loop.
//
//	host (berth create/run)                        init (berth init, in the new namespaces)
//	───────────────────────                        ──────────────────────────────────────────
//	clone(namespaces, uid/gid maps) ──────────────▶ [nsenter C constructor: setns/unshare/fork]
//	                            ◀── pid {pid} ───── only when nsenter forked: the real init's PID
//	move linux.netDevices into init's netns           (init is in all its namespaces by now)
//	config {spec, rootfs, opts} ──────────────────▶ hostname, sysctls, rootfs mounts, /dev
//	                            ◀── idmap {mount} ─ per idmapped bind mount, with its detached
//	                                + fd              clone; init waits
//	mount_setattr(MOUNT_ATTR_IDMAP) on it
//	idmapDone ────────────────────────────────────▶ init attaches the mount
//	                            ◀── hooks ───────── only when prestart/createRuntime hooks exist:
//	run prestart + createRuntime hooks                init waits, its mounts in place
//	hooksDone ────────────────────────────────────▶ createContainer hooks, pivot_root, console,
//	                                                  masked/readonly paths, then the read-only
//	                                                  remounts; rlimits, resolve the program
//	                            ◀── ready ───────── init now waits on the start socket
//	save state, exit (create) / go on (run)
//
//	                            ◀── error {error} ─ at any step above, then init exits 1; the
//	                                                  host kills init, removes all it made, and
//	                                                  prints the error (it names the step/field)
//
// Besides the sync socket, init and nsenter write log records on a one-way log stream
// (_BERTH_LOG_FD, see log.go) that the host relays into its own logger.
//
// The start socket is a listening unix socket in the state directory, bound by the host and
// handed to init; only init holds it, so a `start` racing with a dying init gets ECONNREFUSED
// instead of hanging:
//
//	berth start                                    init
//	start {logLevel, waitExec} ───────────────────▶ startContainer hooks, credentials, seccomp
//	  + log fd                                        with logLevel (--debug): a new log stream
//	                                                  (log.go) comes with it and replaces
//	                                                  create's, whose reader is gone
//	                            ◀── seccompFd + fd  only with SCMP_ACT_NOTIFY rules: the host
//	                                                  hands the fd to linux.seccomp.listenerPath
//	seccompDone ──────────────────────────────────▶ (only then: a program must never run
//	                                                  without its listener)
//	                            ◀── execing ─────── only without a seccomp filter, and unless
//	                                                  start said waitExec: all is set up; init
//	                                                  execve's the program
//	                            ◀── EOF ─────────── exec succeeded (the socket was close-on-exec)
//	                            ◀── error {error} ─ exec or a hook failed; init exits 1
//
// start returns at execing, as runc's and crun's start return before the program's execve: the
// kernel's execve of a multi-threaded Go init (ending its threads, unmapping the binary) is
// ~0.9 ms that start would otherwise wait through. Where something must follow the exec itself
// (poststart hooks, run in the foreground), the host reads on to EOF or the error of a failed
// execve, which init then also writes to its stderr, since a host that stopped at execing no
// longer reads.
//
// berth exec starts the same init in the container's namespaces with config {exec: true}; it
// sets up the process and execs at once, so the host reads EOF (success) or an error frame:
//
//	berth exec                                     init (exec mode)
//	config {spec.process, exec} ──────────────────▶ console, rlimits, cwd, credentials, execve
//	                            ◀── EOF ─────────── the program runs
//	                            ◀── error {error} ─ it could not; init exits 1
package protocol

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/berth-runtime/berth/libcontainer/fdpass"
	"github.com/berth-runtime/berth/spec"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// MaxFrame bounds a frame; a config with a large seccomp profile stays far below it.
const MaxFrame = 16 << 20

// Kind says what a message is; it is the frame's "type".
type Kind string

// The kinds of message, in the order of the diagram above.
const (
	KindConfig      Kind = "config"      // host → init: Config
	KindPid         Kind = "pid"         // nsenter → host: Pid of the forked init
	KindIDMap       Kind = "idmap"       // init → host: Mount, with the detached clone of its source
	KindIDMapDone   Kind = "idmapDone"   // host → init: the clone has its mappings
	KindHooks       Kind = "hooks"       // init → host: run prestart/createRuntime now
	KindHooksDone   Kind = "hooksDone"   // host → init
	KindReady       Kind = "ready"       // init → host: created, waiting for start
	KindStart       Kind = "start"       // berth start → init
	KindSeccompFd   Kind = "seccompFd"   // init → host: the seccomp notify fd for listenerPath
	KindSeccompDone Kind = "seccompDone" // host → init: the listener has the fd; exec now
	KindExecing     Kind = "execing"     // init → berth start: execve is next, nothing else can fail
	KindError       Kind = "error"       // either way: Error, then the sender gives up
)

// fdRule says whether an fd travels with a kind of message.
type fdRule int

const (
	noFd       fdRule = iota
	withFd            // always one
	optionalFd        // one or none, as the message's HasFd says (start: a new log stream)
)

// kinds is the fd rule of each kind of message. A kind missing here is refused by both Send and
// Receive.
var kinds = map[Kind]fdRule{
	KindConfig: noFd, KindPid: noFd, KindIDMap: withFd, KindIDMapDone: noFd, KindHooks: noFd,
	KindHooksDone: noFd, KindReady: noFd, KindStart: optionalFd, KindSeccompFd: withFd, KindSeccompDone: noFd,
	KindExecing: noFd, KindError: noFd,
}

// allows says whether a message of this rule may have (hasFd) an fd or not.
func (r fdRule) allows(hasFd bool) bool {
	return r == optionalFd || (r == withFd) == hasFd
}

// Message is one frame. Which payload fields are set depends on Kind (see the constants).
type Message struct {
	Kind   Kind        `json:"type"`
	Pid    int         `json:"pid,omitempty"`
	Error  string      `json:"error,omitempty"`
	Mount  int         `json:"mount,omitempty"` // KindIDMap: the index in spec.Mounts
	Config *InitConfig `json:"config,omitempty"`
	// LogLevel, in a start message, says that init's log stream from now on comes with it as
	// File, at this level (see log.go).
	LogLevel string `json:"logLevel,omitempty"`
	// WaitExec, in a start message, says that start reads on to the execve's end whatever init
	// says (run in the foreground, poststart hooks): init then does not announce it (execing).
	WaitExec bool `json:"waitExec,omitempty"`
	// HasFd is set by Send when File travels with the frame; Receive checks it against kinds.
	HasFd bool `json:"fd,omitempty"`
	// File is the fd of an idmap, seccompFd or start message: given to Send, filled in by
	// Receive (close-on-exec, the receiver's to close).
	File *os.File `json:"-"`
}

// initConfigJSON is how InitConfig travels: its spec as a spec.Document, whose JSON tables
// cost init less to build than those of specs.Spec. The outer "spec" field hides the embedded one.
type initConfigJSON struct {
	*initConfigFields
	Spec *spec.Document `json:"spec"`
}

type initConfigFields InitConfig

// MarshalJSON sends the spec as a spec.Document.
func (c *InitConfig) MarshalJSON() ([]byte, error) {
	return json.Marshal(initConfigJSON{initConfigFields: (*initConfigFields)(c), Spec: spec.DocumentOf(c.Spec)})
}

// UnmarshalJSON reads what MarshalJSON wrote, leaving out of the spec what init never reads
// (initDocument).
func (c *InitConfig) UnmarshalJSON(data []byte) error {
	v := struct {
		*initConfigFields
		Spec *initDocument `json:"spec"` // hides the embedded one
	}{initConfigFields: (*initConfigFields)(c)}
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	c.Spec = v.Spec.spec()
	return nil
}

// initDocument is the spec as init decodes it: a spec.Document without linux.resources and
// linux.intelRdt (the host's, applied to the cgroup), linux.seccomp (compiled by the host:
// InitConfig.Seccomp) and linux.netDevices (moved by the host). encoding/json builds the
// tables of every type a struct reaches on its first decode in a process, ~0.25 ms of init's
// start for these; init's code must not read them (its Spec has them nil). The outer Linux
// hides the Document's, whose types are then never reached.
type initDocument struct {
	spec.Document
	Linux *initLinux `json:"linux,omitempty"`
}

type initLinux struct {
	UIDMappings       []specs.LinuxIDMapping           `json:"uidMappings,omitempty"`
	GIDMappings       []specs.LinuxIDMapping           `json:"gidMappings,omitempty"`
	Sysctl            map[string]string                `json:"sysctl,omitempty"`
	CgroupsPath       string                           `json:"cgroupsPath,omitempty"`
	Namespaces        []specs.LinuxNamespace           `json:"namespaces,omitempty"`
	Devices           []specs.LinuxDevice              `json:"devices,omitempty"`
	RootfsPropagation string                           `json:"rootfsPropagation,omitempty"`
	MaskedPaths       []string                         `json:"maskedPaths,omitempty"`
	ReadonlyPaths     []string                         `json:"readonlyPaths,omitempty"`
	MountLabel        string                           `json:"mountLabel,omitempty"`
	Personality       *specs.LinuxPersonality          `json:"personality,omitempty"`
	TimeOffsets       map[string]specs.LinuxTimeOffset `json:"timeOffsets,omitempty"`
	MemoryPolicy      *specs.LinuxMemoryPolicy         `json:"memoryPolicy,omitempty"`
}

func (d *initDocument) spec() *specs.Spec {
	if d == nil {
		return nil
	}
	s := d.Document.Spec()
	if l := d.Linux; l != nil {
		s.Linux = &specs.Linux{
			UIDMappings: l.UIDMappings, GIDMappings: l.GIDMappings, Sysctl: l.Sysctl,
			CgroupsPath: l.CgroupsPath, Namespaces: l.Namespaces, Devices: l.Devices,
			RootfsPropagation: l.RootfsPropagation, MaskedPaths: l.MaskedPaths,
			ReadonlyPaths: l.ReadonlyPaths, MountLabel: l.MountLabel, Personality: l.Personality,
			TimeOffsets: l.TimeOffsets, MemoryPolicy: l.MemoryPolicy,
		}
	}
	return s
}

// InitConfig is everything init needs that it cannot see by itself.
type InitConfig struct {
	Spec         *specs.Spec  `json:"spec"`
	Rootfs       string       `json:"rootfs"`
	NoPivot      bool         `json:"noPivot,omitempty"`
	NoNewKeyring bool         `json:"noNewKeyring,omitempty"`
	PreserveFds  int          `json:"preserveFds,omitempty"`
	State        *specs.State `json:"state"`
	// NewMountNS and InUserNS tell init which namespaces it got, decided once on the host.
	NewMountNS bool `json:"newMountNS,omitempty"`
	InUserNS   bool `json:"inUserNS,omitempty"`
	NewUTSNS   bool `json:"newUTSNS,omitempty"`
	// Exec: this init enters a running container (berth exec): no rootfs, no start socket; it
	// execs as soon as the process is set up.
	Exec bool `json:"exec,omitempty"`
	// NewCgroupNS: init unshares the cgroup namespace itself, once it is in its cgroups.
	NewCgroupNS bool `json:"newCgroupNS,omitempty"`
	// InCgroupNS: the container has its own cgroup namespace, new or joined.
	InCgroupNS bool `json:"inCgroupNS,omitempty"`
	// Seccomp: linux.seccomp compiled by the host (seccomp.Filter's MarshalBinary), while init
	// started; init only loads it.
	Seccomp []byte `json:"seccomp,omitempty"`
}

// ErrTooLarge: a message over MaxFrame, which the other side would refuse.
var ErrTooLarge = errors.New("too large")

// ErrClosed means the other end closed the connection between frames.
var ErrClosed = errors.New("connection closed")

// RemoteError is an error reported by the other side (init or nsenter), printed as is.
type RemoteError string

func (e RemoteError) Error() string { return string(e) }

// Send writes m as one frame on conn, with m.File attached when its kind carries an fd.
func Send(conn *os.File, m *Message) error {
	rule, ok := kinds[m.Kind]
	switch {
	case !ok:
		return fmt.Errorf("send: unknown message kind %q", m.Kind)
	case !rule.allows(m.File != nil):
		return fmt.Errorf("send %s message: an fd is %s, and this one has %s", m.Kind, rule, fdCount(m.File != nil))
	}
	m.HasFd = m.File != nil
	body, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode %s message: %w", m.Kind, err)
	}
	if len(body) > MaxFrame {
		return fmt.Errorf("%w: %s message of %d bytes (the limit is %d)", ErrTooLarge, m.Kind, len(body), MaxFrame)
	}
	frame := make([]byte, 4+len(body))
	binary.LittleEndian.PutUint32(frame, uint32(len(body)))
	copy(frame[4:], body)
	if err := fdpass.Write(conn, frame, m.File); err != nil {
		return fmt.Errorf("send %s message: %w", m.Kind, err)
	}
	return nil
}

// Receive reads one frame from conn, and the fd that came with it. A clean EOF before a frame
// starts is ErrClosed.
func Receive(conn *os.File) (*Message, error) {
	var hdr [4]byte
	fds, err := readFull(conn, hdr[:])
	if err != nil {
		fdpass.CloseFds(fds)
		if errors.Is(err, errEOF) {
			return nil, ErrClosed
		}
		return nil, fmt.Errorf("read message header: %w", err)
	}
	n := binary.LittleEndian.Uint32(hdr[:])
	if n == 0 || n > MaxFrame {
		fdpass.CloseFds(fds)
		return nil, fmt.Errorf("message of %d bytes refused (limit %d)", n, MaxFrame)
	}
	body := make([]byte, n)
	more, err := readFull(conn, body)
	fds = append(fds, more...)
	if err != nil {
		fdpass.CloseFds(fds)
		return nil, fmt.Errorf("read message body: %w", err)
	}
	m, err := decode(body, fds)
	if err != nil {
		fdpass.CloseFds(fds)
		return nil, err
	}
	return m, nil
}

// decode parses a frame's body and pairs it with the fds that came with it.
func decode(body []byte, fds []int) (*Message, error) {
	var m Message
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("decode message: %w", err)
	}
	rule, ok := kinds[m.Kind]
	wantFds := 0
	if m.HasFd {
		wantFds = 1
	}
	switch {
	case m.Kind == "":
		return nil, fmt.Errorf("message without a type")
	case !ok:
		return nil, fmt.Errorf("protocol: unknown message kind %q", m.Kind)
	case !rule.allows(m.HasFd):
		return nil, fmt.Errorf("protocol: %s message says it has %s, but an fd is %s", m.Kind, fdCount(m.HasFd), rule)
	case len(fds) != wantFds:
		return nil, fmt.Errorf("protocol: %s message came with %d fds, want %d", m.Kind, len(fds), wantFds)
	}
	if m.HasFd {
		m.File = os.NewFile(uintptr(fds[0]), string(m.Kind))
	}
	return &m, nil
}

// Expect reads one frame and checks its kind. An error frame becomes a Go error carrying its text.
func Expect(conn *os.File, want Kind) (*Message, error) {
	return Serve(conn, nil, want)
}

// Handler serves one message of a kind the caller expects on the way (Serve closes m.File after).
type Handler func(m *Message) error

// Serve is the receive loop: it reads messages from conn, passing each to its kind's handler,
// until a message of kind until arrives, which it returns. With no until, it reads until the
// peer closes the connection and returns ErrClosed. An error message becomes a RemoteError;
// a kind with neither a handler nor until is a protocol error.
func Serve(conn *os.File, handlers map[Kind]Handler, until ...Kind) (*Message, error) {
	for {
		m, err := Receive(conn)
		if err != nil {
			return nil, err
		}
		if m.Kind == KindError {
			return nil, RemoteError(m.Error)
		}
		for _, k := range until {
			if m.Kind == k {
				return m, nil
			}
		}
		h := handlers[m.Kind]
		if h == nil {
			m.close()
			return nil, fmt.Errorf("protocol: unexpected %q message", m.Kind)
		}
		err = h(m)
		m.close()
		if err != nil {
			return nil, err
		}
	}
}

func (r fdRule) String() string {
	return [...]string{noFd: "not allowed", withFd: "required", optionalFd: "optional"}[r]
}

func fdCount(hasFd bool) string {
	if hasFd {
		return "one"
	}
	return "none"
}

func (m *Message) close() {
	if m.File != nil {
		m.File.Close()
	}
}

var errEOF = errors.New("EOF")

// readFull fills buf from conn, collecting any fds that arrive on the way. EOF before the first
// byte is errEOF.
func readFull(conn *os.File, buf []byte) ([]int, error) {
	var fds []int
	for got := 0; got < len(buf); {
		n, more, err := fdpass.Read(conn, buf[got:])
		fds = append(fds, more...)
		switch {
		case err != nil:
			return fds, err
		case n == 0 && got == 0:
			return fds, errEOF
		case n == 0:
			return fds, fmt.Errorf("connection closed after %d of %d bytes", got, len(buf))
		}
		got += n
	}
	return fds, nil
}
