// Package protocol is the conversation between berth on the host and the container's init.
//
// Both ends hold one end of a socketpair (SOCK_STREAM, close-on-exec on the host). Every message
// is a frame: a 4-byte little-endian length, then that many bytes of a JSON object whose "type"
// says what it is. Frames longer than MaxFrame are refused before anything is read into memory.
//
//	host (berth create/run)                        init (berth init, in the new namespaces)
//	───────────────────────                        ──────────────────────────────────────────
//	clone(namespaces, uid/gid maps) ──────────────▶ [nsenter C constructor: setns/unshare/fork]
//	                            ◀── pid {pid} ───── only when nsenter forked: the real init's PID
//	config {spec, rootfs, opts} ──────────────────▶ hostname, sysctls, rootfs mounts, /dev
//	                            ◀── hooks ───────── only when prestart/createRuntime hooks exist:
//	run prestart + createRuntime hooks                init waits, its mounts in place
//	hooksDone ────────────────────────────────────▶ createContainer hooks, pivot_root,
//	                                                  masked/readonly paths, console, rlimits,
//	                                                  resolve the program to exec
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
//	start {logLevel} ─────────────────────────────▶ startContainer hooks, credentials, seccomp
//	  + log fd                                        with logLevel (--debug): a new log stream
//	                                                  (log.go) passed by SCM_RIGHTS replaces
//	                                                  create's, whose reader is gone
//	                            ◀── seccompFd + fd ─ only with SCMP_ACT_NOTIFY rules: the host
//	                                                  hands the fd to linux.seccomp.listenerPath
//	                                                  init execve's the program
//	                            ◀── EOF ─────────── exec succeeded (the socket was close-on-exec)
//	                            ◀── error {error} ─ exec or a hook failed; init exits 1
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
	"io"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// MaxFrame bounds a frame; a config with a large seccomp profile stays far below it.
const MaxFrame = 16 << 20

// Message types.
const (
	TypeConfig    = "config"
	TypePid       = "pid"
	TypeHooks     = "hooks"
	TypeHooksDone = "hooksDone"
	TypeReady     = "ready"
	TypeError     = "error"
	TypeStart     = "start"
	// TypeSeccompFd announces that the next message on the connection carries, by SCM_RIGHTS,
	// the seccomp notify fd for linux.seccomp.listenerPath; init sends it just before execve.
	TypeSeccompFd = "seccompFd"
)

// Message is the one frame type; which fields are set depends on Type.
type Message struct {
	Type   string      `json:"type"`
	Pid    int         `json:"pid,omitempty"`
	Error  string      `json:"error,omitempty"`
	Config *InitConfig `json:"config,omitempty"`
	// LogLevel, in a start message, says that an fd follows by SCM_RIGHTS: init's log stream
	// from now on, at this level (see log.go).
	LogLevel string `json:"logLevel,omitempty"`
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
}

// Send writes one frame.
func Send(w io.Writer, m *Message) error {
	body, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("encode %s message: %w", m.Type, err)
	}
	if len(body) > MaxFrame {
		return fmt.Errorf("%w: %s message of %d bytes (the limit is %d)", ErrTooLarge, m.Type, len(body), MaxFrame)
	}
	frame := make([]byte, 4+len(body))
	binary.LittleEndian.PutUint32(frame, uint32(len(body)))
	copy(frame[4:], body)
	if _, err := w.Write(frame); err != nil {
		return fmt.Errorf("send %s message: %w", m.Type, err)
	}
	return nil
}

// ErrTooLarge: a message over MaxFrame, which the other side would refuse.
var ErrTooLarge = errors.New("too large")

// ErrClosed means the other end closed the connection between frames.
var ErrClosed = errors.New("connection closed")

// Receive reads one frame. A clean EOF before a frame starts is ErrClosed.
func Receive(r io.Reader) (*Message, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, ErrClosed
		}
		return nil, fmt.Errorf("read message header: %w", err)
	}
	n := binary.LittleEndian.Uint32(hdr[:])
	if n == 0 || n > MaxFrame {
		return nil, fmt.Errorf("message of %d bytes refused (limit %d)", n, MaxFrame)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		return nil, fmt.Errorf("read message body: %w", err)
	}
	var m Message
	if err := json.Unmarshal(body, &m); err != nil {
		return nil, fmt.Errorf("decode message: %w", err)
	}
	if m.Type == "" {
		return nil, fmt.Errorf("message without a type")
	}
	return &m, nil
}

// Expect reads one frame and checks its type. An error frame becomes a Go error carrying its text.
func Expect(r io.Reader, want string) (*Message, error) {
	m, err := Receive(r)
	if err != nil {
		return nil, err
	}
	if m.Type == TypeError {
		return nil, RemoteError(m.Error)
	}
	if m.Type != want {
		return nil, fmt.Errorf("protocol: got %q message, want %q", m.Type, want)
	}
	return m, nil
}

// RemoteError is an error reported by the other side (init or nsenter), printed as is.
type RemoteError string

func (e RemoteError) Error() string { return string(e) }
