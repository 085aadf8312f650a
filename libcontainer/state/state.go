// Package state keeps what berth knows about a container between commands: one directory per
// container under --root holding a JSON state file (written by rename, so readers never see half
// of it) and a lock file that every command on that ID holds while it works.
//
// The container's init process is identified by its PID and its start time (field 22 of
// /proc/PID/stat), so a recycled PID is never taken for the container, and a zombie that nobody
// reaps (PID 1 of some hosts never does) reads as stopped.
package state

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/berth-runtime/berth/libcontainer/cgroups"
	"github.com/berth-runtime/berth/libcontainer/sys"
	"github.com/berth-runtime/berth/spec"
)

const (
	stateFile = "state.json"
	lockFile  = "lock"
	// StartSocket is the unix socket on which a created container's init waits for `start`.
	StartSocket = "start.sock"
)

// The start socket's mode tells a container still being created from a created one: create
// binds it before init starts and gives it StartSocketReady only once init reports ready
// (MarkCreated). A mode rather than a field of the state file, because marking the container
// created is then one chmod, where saving the state again cost ~0.5-1 ms of create (a new
// inode and a rename). Connecting needs write permission: nobody but root gets into a socket
// that is not ready, and start refuses a creating container before it tries.
const (
	StartSocketCreating os.FileMode = 0
	StartSocketReady    os.FileMode = 0o700
)

// Status values, as the runtime-spec names them.
const (
	Creating = specs.StateCreating
	Created  = specs.StateCreated
	Running  = specs.StateRunning
	Stopped  = specs.StateStopped
)

// State is the state file's content. The OCI state is computed from it: Status is never stored.
type State struct {
	ID          string            `json:"id"`
	Bundle      string            `json:"bundle"`
	Rootfs      string            `json:"rootfs"`
	Pid         int               `json:"pid"`
	StartTime   uint64            `json:"startTime"`
	Created     time.Time         `json:"created"`
	Owner       string            `json:"owner"`
	Annotations map[string]string `json:"annotations,omitempty"`
	Config      *specs.Spec       `json:"config"`
	OwnPidNS    bool              `json:"ownPidNS"`
	// Creating is true from the moment init exists until it reports ready, so that a create
	// that died half-way leaves a PID that delete can kill. create itself now says so with the
	// start socket's mode (StartSocketCreating); restore still with this field.
	Creating bool           `json:"creating,omitempty"`
	Cgroup   *cgroups.Saved `json:"cgroup,omitempty"`
	// partial names the loader that left out (part of) the config: such a state is never
	// saved, which would lose the rest.
	partial string
	// rawConfig is the config as stored, kept by LoadExec for FullConfig.
	rawConfig json.RawMessage
}

// stateJSON is how State is stored: its config as a spec.Document, whose JSON tables cost
// less to build than those of specs.Spec (each berth command builds them once). The outer
// "config" field hides the embedded one.
type stateJSON struct {
	*stateFields
	Config *spec.Document `json:"config"`
}

type stateFields State

// MarshalJSON stores the config as a spec.Document.
func (s *State) MarshalJSON() ([]byte, error) {
	return json.Marshal(stateJSON{stateFields: (*stateFields)(s), Config: spec.DocumentOf(s.Config)})
}

// UnmarshalJSON reads what MarshalJSON wrote.
func (s *State) UnmarshalJSON(data []byte) error {
	v := stateJSON{stateFields: (*stateFields)(s)}
	if err := json.Unmarshal(data, &v); err != nil {
		return err
	}
	s.Config = v.Config.Spec()
	return nil
}

// ErrNotExist is returned when there is no container with the ID.
var ErrNotExist = errors.New("container does not exist")

// ErrExist is returned by Create when the ID is taken.
var ErrExist = errors.New("container already exists")

// ErrCorrupt is wrapped by Load when the state file cannot be decoded (truncated, garbage).
var ErrCorrupt = errors.New("corrupt")

// ErrNoStateFile is returned by Load when the state directory holds no state file: a create
// killed before it wrote one, or a directory someone else made.
var ErrNoStateFile = errors.New("no state file")

// ErrBusy is returned by TryOpenDir when another berth command holds the container's lock.
var ErrBusy = errors.New("another berth command is working on the container")

// Dir is one container's state directory, locked by this process while it is open.
type Dir struct {
	Path string
	lock *os.File
}

// Create makes the state directory of a new container, locked, holding first: the ID appears
// with its state file and its lock already in place, never as an empty directory. So a create
// killed at any later point leaves a state that list, state and delete --force understand. The
// root is created when missing (mode 0711 like runc's, so unprivileged users can reach their
// own containers).
func Create(root, id string, first *State) (*Dir, error) {
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(root, 0o711); err != nil {
		return nil, fmt.Errorf("state root: %w%s", err, rootHint(err))
	}
	path := filepath.Join(root, id)
	if _, err := os.Lstat(path); err == nil {
		return nil, ErrExist // the common refusal, before any work
	}
	tmp, err := os.MkdirTemp(root, ".creating-"+id+"-")
	if err != nil {
		return nil, fmt.Errorf("state dir: %w%s", err, rootHint(err))
	}
	if err := os.Chmod(tmp, 0o711); err != nil {
		os.RemoveAll(tmp)
		return nil, fmt.Errorf("state dir: %w", err)
	}
	d, err := lockDir(tmp, true)
	if err == nil {
		err = d.Save(first)
	}
	if err == nil {
		// The lock is on the inode: it moves with the directory.
		err = unix.Renameat2(unix.AT_FDCWD, tmp, unix.AT_FDCWD, path, unix.RENAME_NOREPLACE)
	}
	if err != nil {
		if d != nil {
			d.Close()
		}
		os.RemoveAll(tmp)
		if errors.Is(err, unix.EEXIST) {
			return nil, ErrExist
		}
		return nil, fmt.Errorf("state dir: %w", err)
	}
	d.Path = path
	return d, nil
}

// rootHint tells a user who may not write the state root where a user's state goes.
func rootHint(err error) string {
	if !errors.Is(err, fs.ErrPermission) || os.Geteuid() == 0 {
		return ""
	}
	return " (as a user, set XDG_RUNTIME_DIR to a directory of yours, or give --root)"
}

// Open locks the state directory of an existing container. It waits for other berth commands on
// the same ID, then checks that the container still exists (a delete may have run meanwhile).
func Open(root, id string) (*Dir, error) {
	d, err := openDir(root, id, true)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(filepath.Join(d.Path, stateFile)); err != nil {
		d.Close()
		if errors.Is(err, os.ErrNotExist) {
			return nil, ErrNotExist
		}
		return nil, err
	}
	return d, nil
}

// OpenDir locks a container's state directory whether or not it holds a readable state file,
// for the commands that remove what is left of a container (delete --force, gc).
func OpenDir(root, id string) (*Dir, error) { return openDir(root, id, true) }

// TryOpenDir is OpenDir without waiting: ErrBusy when another command holds the lock (a create
// still at work has no state file yet, and must not be taken for what is left of one).
func TryOpenDir(root, id string) (*Dir, error) { return openDir(root, id, false) }

// OpenDirWithin is OpenDir that waits for another command's lock at most timeout, then gives
// up with ErrBusy.
func OpenDirWithin(root, id string, timeout time.Duration) (*Dir, error) {
	deadline := time.Now().Add(timeout)
	for {
		d, err := openDir(root, id, false)
		if !errors.Is(err, ErrBusy) || time.Now().After(deadline) {
			return d, err
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func openDir(root, id string, wait bool) (*Dir, error) {
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	d, err := lockDir(filepath.Join(root, id), wait)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, ErrNotExist
		}
		return nil, err
	}
	return d, nil
}

// Peek opens a container's state directory without locking it, for readers (state, list): the
// state file is replaced by rename, so a reader always sees a whole one.
func Peek(root, id string) (*Dir, error) {
	if err := ValidateID(id); err != nil {
		return nil, err
	}
	path := filepath.Join(root, id)
	if _, err := os.Stat(filepath.Join(path, stateFile)); err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, ErrNotExist
		}
		return nil, err
	}
	return &Dir{Path: path}, nil
}

// Load reads the state file: ErrNoStateFile (which is also ErrNotExist) when there is none,
// ErrCorrupt wrapped in an error naming the file when it cannot be decoded.
func (d *Dir) Load() (*State, error) {
	var s State
	if err := d.decode(&s); err != nil {
		return nil, err
	}
	return &s, nil
}

// LoadSummary is Load without the config, for commands that print a state (state, list): the
// config's JSON tables are the largest part of reading a state (spec.Document). The State it
// returns has a nil Config.
func (d *Dir) LoadSummary() (*State, error) {
	var s State
	v := struct {
		*stateFields
		Config json.RawMessage `json:"config"` // hides State's; left undecoded
	}{stateFields: (*stateFields)(&s)}
	if err := d.decode(&v); err != nil {
		return nil, err
	}
	s.partial = "summary"
	return &s, nil
}

// LoadLifecycle is Load for start and delete, which act on the container's lifecycle alone: the
// Config of the State it returns holds the hooks and linux.seccomp's listener (path and
// metadata), nothing else. Decoding the rest of the config cost ~1 ms of each command.
func (d *Dir) LoadLifecycle() (*State, error) {
	var s State
	v := struct {
		*stateFields
		Config *lifecycleConfig `json:"config"` // hides State's
	}{stateFields: (*stateFields)(&s)}
	if err := d.decode(&v); err != nil {
		return nil, err
	}
	s.Config = v.Config.spec()
	s.partial = "lifecycle"
	return &s, nil
}

// lifecycleConfig is the part of a config that start and delete read.
type lifecycleConfig struct {
	Hooks *specs.Hooks `json:"hooks,omitempty"`
	Linux *struct {
		Seccomp *struct {
			ListenerPath     string `json:"listenerPath,omitempty"`
			ListenerMetadata string `json:"listenerMetadata,omitempty"`
		} `json:"seccomp,omitempty"`
	} `json:"linux,omitempty"`
}

func (c *lifecycleConfig) spec() *specs.Spec {
	if c == nil {
		return nil
	}
	s := &specs.Spec{Hooks: c.Hooks}
	if c.Linux != nil {
		s.Linux = &specs.Linux{}
		if sc := c.Linux.Seccomp; sc != nil {
			s.Linux.Seccomp = &specs.LinuxSeccomp{ListenerPath: sc.ListenerPath, ListenerMetadata: sc.ListenerMetadata}
		}
	}
	return s
}

// LoadExec is Load for exec: the Config of the State it returns holds what exec reads to start
// a process (see execConfig); FullConfig decodes the rest, for an exec that goes through
// `berth init`. A fresh process decoded the whole config in ~0.9 ms, this part in ~0.35 ms.
func (d *Dir) LoadExec() (*State, error) {
	var s State
	v := struct {
		*stateFields
		Config json.RawMessage `json:"config"` // hides State's
	}{stateFields: (*stateFields)(&s)}
	if err := d.decode(&v); err != nil {
		return nil, err
	}
	if len(v.Config) > 0 && string(v.Config) != "null" {
		var c execConfig
		if err := json.Unmarshal(v.Config, &c); err != nil {
			return nil, fmt.Errorf("state file %s is %w: %w", d.File(), ErrCorrupt, err)
		}
		s.Config, s.rawConfig = c.spec(), v.Config
	}
	s.partial = "exec"
	return &s, nil
}

// FullConfig decodes the whole config of a state that LoadExec read, and makes it the state's;
// for any other state it returns the config as it is.
func (s *State) FullConfig() (*specs.Spec, error) {
	if s.partial != "exec" {
		return s.Config, nil
	}
	if s.rawConfig != nil {
		var doc spec.Document
		if err := json.Unmarshal(s.rawConfig, &doc); err != nil {
			return nil, fmt.Errorf("state: %w: %w", ErrCorrupt, err)
		}
		s.Config = doc.Spec()
	}
	s.partial, s.rawConfig = "", nil
	return s.Config, nil
}

// execConfig is the part of a config that exec reads on its way to the C exec path
// (container/execdirect.go): the process (the defaults of exec's flags), the namespaces to
// enter, the seccomp profile (its listener; the program is cached compiled), what sends an
// exec through `berth init` instead, and the memory limit that explains an init killed on the
// way.
type execConfig struct {
	Version string         `json:"ociVersion"`
	Process *specs.Process `json:"process,omitempty"`
	Linux   *struct {
		Namespaces   []specs.LinuxNamespace   `json:"namespaces,omitempty"`
		Seccomp      *specs.LinuxSeccomp      `json:"seccomp,omitempty"`
		Personality  *specs.LinuxPersonality  `json:"personality,omitempty"`
		MemoryPolicy *specs.LinuxMemoryPolicy `json:"memoryPolicy,omitempty"`
		Resources    *struct {
			Memory *struct {
				Limit *int64 `json:"limit,omitempty"`
			} `json:"memory,omitempty"`
		} `json:"resources,omitempty"`
	} `json:"linux,omitempty"`
}

func (c *execConfig) spec() *specs.Spec {
	s := &specs.Spec{Version: c.Version, Process: c.Process}
	if l := c.Linux; l != nil {
		s.Linux = &specs.Linux{Namespaces: l.Namespaces, Seccomp: l.Seccomp, Personality: l.Personality, MemoryPolicy: l.MemoryPolicy}
		if r := l.Resources; r != nil {
			s.Linux.Resources = &specs.LinuxResources{}
			if r.Memory != nil {
				s.Linux.Resources.Memory = &specs.LinuxMemory{Limit: r.Memory.Limit}
			}
		}
	}
	return s
}

// decode reads the state file into v, with Load's errors.
func (d *Dir) decode(v any) error {
	data, err := os.ReadFile(d.File())
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return errNoStateFile
		}
		return fmt.Errorf("read state: %w", err)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("state file %s is %w: %w", d.File(), ErrCorrupt, err)
	}
	return nil
}

// errNoStateFile is both ErrNoStateFile and ErrNotExist: callers that only read (state, list)
// see a container that does not exist (yet), those that clean up see what is left of one.
var errNoStateFile = fmt.Errorf("%w: %w", ErrNotExist, ErrNoStateFile)

// File returns the path of the state file.
func (d *Dir) File() string { return filepath.Join(d.Path, stateFile) }

// Save writes the state file atomically: a temporary file in the same directory, then rename.
func (d *Dir) Save(s *State) error {
	if s.partial != "" {
		return fmt.Errorf("save state: it was loaded without its whole config (%s)", s.partial)
	}
	data, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	return WriteFileAtomic(filepath.Join(d.Path, stateFile), data, 0o600)
}

// Remove deletes the state directory. The lock goes with it.
func (d *Dir) Remove() error {
	err := os.RemoveAll(d.Path)
	d.Close()
	if err != nil {
		return fmt.Errorf("remove state dir: %w", err)
	}
	return nil
}

// Close releases the lock.
func (d *Dir) Close() {
	if d.lock != nil {
		d.lock.Close()
		d.lock = nil
	}
}

// Status tells the container's status from its init process: stopped when the PID is gone, a
// zombie, or a different process; created while init still waits on the start socket.
func (d *Dir) Status(s *State) specs.ContainerState {
	if s.Pid == 0 {
		return Creating
	}
	if !Alive(s.Pid, s.StartTime) {
		return Stopped
	}
	if s.Creating { // a state that a create which died half-way saved, by the old rule
		return Creating
	}
	if fi, err := os.Lstat(filepath.Join(d.Path, StartSocket)); err == nil {
		if fi.Mode().Perm() == StartSocketCreating {
			return Creating
		}
		return Created
	}
	return Running
}

// MarkCreated says that the container's init is ready for start (see StartSocketReady).
func (d *Dir) MarkCreated() error {
	if err := os.Chmod(filepath.Join(d.Path, StartSocket), StartSocketReady); err != nil {
		return fmt.Errorf("mark the container created: %w", err)
	}
	return nil
}

// Alive reports whether pid is still the live process that started at startTime.
func Alive(pid int, startTime uint64) bool {
	st, err := sys.ReadProcStat(pid)
	if err != nil {
		return false
	}
	return st.StartTime == startTime && !st.Dead()
}

// OCI returns the state as `berth state` prints it, the runtime-spec fields plus runc's
// extras, with status as the caller found it (Status, and paused from the cgroup).
func (s *State) OCI(status string) *OCIState {
	pid := s.Pid
	if status == string(Stopped) {
		pid = 0
	}
	return &OCIState{
		Version:     specs.Version,
		ID:          s.ID,
		Pid:         pid,
		Status:      status,
		Bundle:      s.Bundle,
		Rootfs:      s.Rootfs,
		Created:     s.Created,
		Owner:       s.Owner,
		Annotations: s.Annotations,
	}
}

// OCIState is the JSON `berth state` prints, field for field as runc's.
type OCIState struct {
	Version     string            `json:"ociVersion"`
	ID          string            `json:"id"`
	Pid         int               `json:"pid"`
	Status      string            `json:"status"`
	Bundle      string            `json:"bundle"`
	Rootfs      string            `json:"rootfs"`
	Created     time.Time         `json:"created"`
	Owner       string            `json:"owner"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// Spec returns the state that hooks receive on stdin.
func (s *State) Spec(status specs.ContainerState) *specs.State {
	return &specs.State{
		Version:     specs.Version,
		ID:          s.ID,
		Status:      status,
		Pid:         s.Pid,
		Bundle:      s.Bundle,
		Annotations: s.Annotations,
	}
}
