package state

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestValidateID(t *testing.T) {
	tests := []struct {
		id string
		ok bool
	}{
		{"c1", true},
		{"a.b_c-d+e", true},
		{strings.Repeat("a", MaxIDLength), true},
		{"", false},
		{".", false},
		{"..", false},
		{"a/b", false},
		{"../x", false},
		{"a b", false},
		{"é", false},
		{strings.Repeat("a", MaxIDLength+1), false},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			if err := ValidateID(tt.id); (err == nil) != tt.ok {
				t.Fatalf("ValidateID(%q) = %v, want ok=%v", tt.id, err, tt.ok)
			}
		})
	}
}

func TestCreateOpenSaveLoadRemove(t *testing.T) {
	root := filepath.Join(t.TempDir(), "root")
	d, err := Create(root, "c1", &State{ID: "c1", Pid: 0})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Create(root, "c1", &State{ID: "c1"}); !errors.Is(err, ErrExist) {
		t.Fatalf("second Create: %v, want ErrExist", err)
	}
	if entries, _ := os.ReadDir(root); len(entries) != 1 {
		t.Fatalf("root holds %v, want only c1 (no temporary directory left)", entries)
	}
	// The first state is there from the start: a create killed now leaves a readable state.
	if s, err := (&Dir{Path: filepath.Join(root, "c1")}).Load(); err != nil || s.ID != "c1" {
		t.Fatalf("state right after Create = %+v, %v", s, err)
	}
	if st := d.Status(&State{}); st != Creating {
		t.Fatalf("status with pid 0 = %s", st)
	}
	d.Close()

	d, err = Open(root, "c1")
	if err != nil {
		t.Fatal(err)
	}
	s, err := d.Load()
	if err != nil || s.ID != "c1" {
		t.Fatalf("Load = %+v, %v", s, err)
	}
	if err := d.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "c1")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("state dir left: %v", err)
	}
	if _, err := Open(root, "c1"); !errors.Is(err, ErrNotExist) {
		t.Fatalf("Open after Remove: %v, want ErrNotExist", err)
	}
}

func TestStatusOfDeadAndRecycledPids(t *testing.T) {
	d := &Dir{Path: t.TempDir()}
	self := os.Getpid()
	me, err := readStart(self)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		state State
		want  string
	}{
		{"alive, start socket present", State{Pid: self, StartTime: me}, string(Created)},
		{"recycled pid", State{Pid: self, StartTime: me + 1}, string(Stopped)},
		{"gone", State{Pid: 1 << 30, StartTime: 1}, string(Stopped)},
	}
	os.WriteFile(filepath.Join(d.Path, StartSocket), nil, StartSocketReady)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := d.Status(&tt.state); string(got) != tt.want {
				t.Fatalf("status = %s, want %s", got, tt.want)
			}
		})
	}
	os.Remove(filepath.Join(d.Path, StartSocket))
	if got := d.Status(&State{Pid: self, StartTime: me}); got != Running {
		t.Fatalf("without start socket: %s, want running", got)
	}
}

// TestStatusWhileCreating: a create in progress reads as creating (no init yet, a start socket
// not yet ready, or the old Creating field) until MarkCreated, and stopped once its init died.
func TestStatusWhileCreating(t *testing.T) {
	self := os.Getpid()
	me, err := readStart(self)
	if err != nil {
		t.Fatal(err)
	}
	live := State{Pid: self, StartTime: me}
	dead := State{Pid: 1 << 30, StartTime: 1}
	tests := []struct {
		name       string
		state      State
		socket     bool // a start socket, bound by listenStart: not ready
		markReady  bool // MarkCreated
		want, then specs.ContainerState
	}{
		{"no init yet", State{}, false, false, Creating, Creating},
		{"live init, start socket not ready", live, true, true, Creating, Created},
		{"dead init, start socket not ready", dead, true, true, Stopped, Stopped},
		{"old Creating field", State{Pid: self, StartTime: me, Creating: true}, true, true, Creating, Creating},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &Dir{Path: t.TempDir()}
			if tt.socket {
				if err := os.WriteFile(filepath.Join(d.Path, StartSocket), nil, StartSocketCreating); err != nil {
					t.Fatal(err)
				}
			}
			if got := d.Status(&tt.state); got != tt.want {
				t.Fatalf("status = %s, want %s", got, tt.want)
			}
			if !tt.markReady {
				return
			}
			if err := d.MarkCreated(); err != nil {
				t.Fatal(err)
			}
			if got := d.Status(&tt.state); got != tt.then {
				t.Fatalf("after MarkCreated: status = %s, want %s", got, tt.then)
			}
		})
	}
}

func TestLoadMissingOrCorrupt(t *testing.T) {
	tests := []struct {
		name    string
		content *string // nil: no state file
		want    []error
		inMsg   string
	}{
		{"no state file", nil, []error{ErrNoStateFile, ErrNotExist}, "no state file"},
		{"empty", ptr(""), []error{ErrCorrupt}, "is corrupt: unexpected end of JSON input"},
		{"truncated", ptr(`{"id":"c1","pi`), []error{ErrCorrupt}, "is corrupt: unexpected end of JSON input"},
		{"garbage", ptr("garbage\n"), []error{ErrCorrupt}, "is corrupt: invalid character 'g'"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &Dir{Path: t.TempDir()}
			if tt.content != nil {
				if err := os.WriteFile(d.File(), []byte(*tt.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			_, err := d.Load()
			for _, want := range tt.want {
				if !errors.Is(err, want) {
					t.Errorf("Load: %v, want %v", err, want)
				}
			}
			if err == nil || !strings.Contains(err.Error(), tt.inMsg) {
				t.Errorf("Load: %v, want a message containing %q", err, tt.inMsg)
			}
			if tt.content != nil && !strings.Contains(err.Error(), d.File()) {
				t.Errorf("Load: %v does not name the file", err)
			}
		})
	}
}

func ptr(s string) *string { return &s }

func TestTryOpenDir(t *testing.T) {
	root := t.TempDir()
	held, err := Create(root, "c1", &State{ID: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(held.File()); err != nil {
		t.Fatal(err)
	}
	if _, err := TryOpenDir(root, "c1"); !errors.Is(err, ErrBusy) {
		t.Fatalf("TryOpenDir while locked: %v, want ErrBusy", err)
	}
	held.Close()
	d, err := TryOpenDir(root, "c1") // no state file yet: the directory opens all the same
	if err != nil {
		t.Fatalf("TryOpenDir once unlocked: %v", err)
	}
	d.Close()
	if _, err := TryOpenDir(root, "nothing"); !errors.Is(err, ErrNotExist) {
		t.Fatalf("TryOpenDir of a missing container: %v, want ErrNotExist", err)
	}
}

func TestOpenDirWithin(t *testing.T) {
	root := t.TempDir()
	held, err := Create(root, "c1", &State{ID: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if _, err := OpenDirWithin(root, "c1", 50*time.Millisecond); !errors.Is(err, ErrBusy) {
		t.Fatalf("OpenDirWithin while locked: %v, want ErrBusy", err)
	}
	if waited := time.Since(start); waited < 50*time.Millisecond || waited > 2*time.Second {
		t.Fatalf("OpenDirWithin gave up after %s, want about 50ms", waited)
	}
	go func() { time.Sleep(30 * time.Millisecond); held.Close() }()
	d, err := OpenDirWithin(root, "c1", 5*time.Second)
	if err != nil {
		t.Fatalf("OpenDirWithin once released: %v", err)
	}
	d.Close()
}

// TestSaveLoadKeepsEveryField: the state file (its config stored as a spec.Document) gives back
// the state that was saved, the config's Linux fields included.
func TestSaveLoadKeepsEveryField(t *testing.T) {
	d, err := Create(filepath.Join(t.TempDir(), "root"), "c1", &State{ID: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	want := &State{
		ID: "c1", Bundle: "/b", Rootfs: "/b/rootfs", Pid: 42, StartTime: 7, Owner: "root",
		Created: time.Date(2026, 12, 7, 1, 2, 3, 4, time.UTC), Annotations: map[string]string{"a": "b"},
		OwnPidNS: true, Creating: true,
		Config: &specs.Spec{Version: "1.3.0", Hostname: "h", Process: &specs.Process{Args: []string{"sh"}},
			Linux: &specs.Linux{CgroupsPath: "/x", Namespaces: []specs.LinuxNamespace{{Type: "pid"}}}},
	}
	if err := d.Save(want); err != nil {
		t.Fatal(err)
	}
	got, err := d.Load()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("loaded %+v\nwant %+v", got, want)
	}
}

// TestLoadSummaryLeavesOutTheConfig: the summary has every field but the config, and reports a
// corrupt file as Load does.
func TestLoadSummaryLeavesOutTheConfig(t *testing.T) {
	d, err := Create(filepath.Join(t.TempDir(), "root"), "c1", &State{ID: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	full := &State{ID: "c1", Bundle: "/b", Pid: 42, StartTime: 7, Annotations: map[string]string{"a": "b"},
		Config: &specs.Spec{Version: "1.3.0", Hostname: "h"}}
	if err := d.Save(full); err != nil {
		t.Fatal(err)
	}
	got, err := d.LoadSummary()
	if err != nil {
		t.Fatal(err)
	}
	want := *full
	want.Config = nil
	want.partial = "summary"
	if !reflect.DeepEqual(got, &want) {
		t.Errorf("summary %+v, want %+v", got, &want)
	}
	if err := d.Save(got); err == nil {
		t.Error("a summary was saved over the state, config and all lost")
	}
	if err := os.WriteFile(d.File(), []byte(`{"id": "c1", "config": {`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := d.LoadSummary(); !errors.Is(err, ErrCorrupt) {
		t.Errorf("truncated file: %v, want ErrCorrupt", err)
	}
}

// TestLoadLifecycle: start and delete get every field, and of the config the hooks and the
// seccomp listener only; such a state is never saved back.
func TestLoadLifecycle(t *testing.T) {
	hooks := &specs.Hooks{
		StartContainer: []specs.Hook{{Path: "/bin/sc", Args: []string{"sc", "1"}}},
		Poststart:      []specs.Hook{{Path: "/bin/ps"}},
		Poststop:       []specs.Hook{{Path: "/bin/stop", Env: []string{"A=1"}, Timeout: intPtr(3)}},
	}
	tests := []struct {
		name   string
		config *specs.Spec
		want   *specs.Spec
	}{
		{"hooks and listener",
			&specs.Spec{Version: "1.3.0", Hostname: "h", Hooks: hooks, Process: &specs.Process{Args: []string{"sh"}},
				Linux: &specs.Linux{CgroupsPath: "/x", Seccomp: &specs.LinuxSeccomp{
					DefaultAction: specs.ActErrno, ListenerPath: "/run/l.sock", ListenerMetadata: "m",
					Syscalls: []specs.LinuxSyscall{{Names: []string{"read"}, Action: specs.ActAllow}}}}},
			&specs.Spec{Hooks: hooks, Linux: &specs.Linux{Seccomp: &specs.LinuxSeccomp{ListenerPath: "/run/l.sock", ListenerMetadata: "m"}}}},
		{"no hooks, no seccomp",
			&specs.Spec{Version: "1.3.0", Linux: &specs.Linux{CgroupsPath: "/x"}},
			&specs.Spec{Linux: &specs.Linux{}}},
		{"no config", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			full := &State{ID: "c1", Bundle: "/b", Pid: 42, StartTime: 7, OwnPidNS: true, Config: tt.config}
			d := savedDir(t, full)
			got, err := d.LoadLifecycle()
			if err != nil {
				t.Fatal(err)
			}
			want := *full
			want.Config = tt.want
			want.partial = "lifecycle"
			if !reflect.DeepEqual(got, &want) {
				t.Errorf("loaded %+v\nconfig %+v\nwant %+v\nconfig %+v", got, got.Config, &want, want.Config)
			}
			if err := d.Save(got); err == nil {
				t.Error("a lifecycle state was saved over the whole one")
			}
		})
	}
}

func intPtr(i int) *int { return &i }

// savedDir is a new state directory of container st.ID holding st, closed with the test.
func savedDir(t *testing.T, st *State) *Dir {
	t.Helper()
	d, err := Create(filepath.Join(t.TempDir(), "root"), st.ID, &State{ID: st.ID})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	if err := d.Save(st); err != nil {
		t.Fatal(err)
	}
	return d
}

// TestLoadExec: exec's view of a state holds the process, the namespaces, seccomp, what sends an
// exec through init and the memory limit; it is never saved, and FullConfig gives back the whole
// config as Load reads it.
func TestLoadExec(t *testing.T) {
	limit := int64(1 << 20)
	proc := &specs.Process{Args: []string{"sh"}, Env: []string{"A=1"}, Cwd: "/w", User: specs.User{UID: 7},
		Capabilities: &specs.LinuxCapabilities{Bounding: []string{"CAP_KILL"}}, NoNewPrivileges: true}
	namespaces := []specs.LinuxNamespace{{Type: specs.PIDNamespace}, {Type: specs.NetworkNamespace, Path: "/run/netns/x"}}
	seccomp := &specs.LinuxSeccomp{DefaultAction: specs.ActErrno, ListenerPath: "/run/l.sock",
		Syscalls: []specs.LinuxSyscall{{Names: []string{"read"}, Action: specs.ActAllow}}}
	tests := []struct {
		name   string
		config *specs.Spec
		want   *specs.Spec
	}{
		{"the parts exec reads",
			&specs.Spec{Version: "1.3.0", Hostname: "h", Process: proc, Mounts: []specs.Mount{{Destination: "/proc", Type: "proc"}},
				Linux: &specs.Linux{CgroupsPath: "/x", Namespaces: namespaces, Seccomp: seccomp, MaskedPaths: []string{"/proc/kcore"},
					Personality: &specs.LinuxPersonality{Domain: specs.PerLinux32},
					Resources:   &specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: &limit}, Pids: &specs.LinuxPids{Limit: &limit}}}},
			&specs.Spec{Version: "1.3.0", Process: proc,
				Linux: &specs.Linux{Namespaces: namespaces, Seccomp: seccomp, Personality: &specs.LinuxPersonality{Domain: specs.PerLinux32},
					Resources: &specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: &limit}}}}},
		{"no linux", &specs.Spec{Version: "1.3.0", Process: proc}, &specs.Spec{Version: "1.3.0", Process: proc}},
		{"no config", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := savedDir(t, &State{ID: "c1", Bundle: "/b", Pid: 42, StartTime: 7, OwnPidNS: true, Config: tt.config})
			whole, err := d.Load()
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.LoadExec()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Config, tt.want) {
				t.Errorf("exec's config %+v, want %+v", got.Config, tt.want)
			}
			if err := d.Save(got); err == nil {
				t.Error("exec's view of the state was saved over the whole one")
			}
			full, err := got.FullConfig()
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(full, whole.Config) || !reflect.DeepEqual(got, whole) {
				t.Errorf("FullConfig = %+v, want %+v", full, whole.Config)
			}
		})
	}
}
