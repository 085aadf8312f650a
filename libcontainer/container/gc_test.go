package container

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/berth-runtime/berth/libcontainer/cgroups"
	"github.com/berth-runtime/berth/libcontainer/state"
	"github.com/berth-runtime/berth/libcontainer/sys"
)

// newStateDir makes a container's state directory under root; content nil writes no state
// file, a State is saved, a string written as is.
func newStateDir(t *testing.T, root, id string, content any) {
	t.Helper()
	d, err := state.Create(root, id, &state.State{ID: id})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	switch c := content.(type) {
	case nil:
		err = os.Remove(d.File())
	case *state.State:
		err = d.Save(c)
	case string:
		err = os.WriteFile(d.File(), []byte(c), 0o600)
	}
	if err != nil {
		t.Fatal(err)
	}
}

func selfStart(t *testing.T) (int, uint64) {
	t.Helper()
	st, err := sys.ReadProcStat(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	return os.Getpid(), st.StartTime
}

func TestWhyDead(t *testing.T) {
	pid, start := selfStart(t)
	lost := errors.New("state file /x/state.json is corrupt: unexpected end of JSON input")
	tests := []struct {
		name string
		c    *Container
		want string
	}{
		{"live init", &Container{state: &state.State{Pid: pid, StartTime: start}}, ""},
		{"recycled pid", &Container{state: &state.State{Pid: pid, StartTime: start + 1}}, "init " + strconv.Itoa(pid) + " gone"},
		{"no such pid", &Container{state: &state.State{Pid: 1 << 30, StartTime: 1}}, "init 1073741824 gone"},
		{"create died before init", &Container{state: &state.State{}}, "create died before init started"},
		{"lost state, no cgroup", &Container{state: &state.State{}, lost: lost}, lost.Error()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.c.whyDead()
			if err != nil || got != tt.want {
				t.Fatalf("whyDead = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestRemovedString(t *testing.T) {
	r := Removed{ID: "c1", Why: "init 1234 gone", What: []string{"cgroup /x", "state dir"}}
	if got, want := r.String(), "c1: init 1234 gone; cgroup /x, state dir"; got != want {
		t.Fatalf("String = %q, want %q", got, want)
	}
}

// TestGC runs gc on containers that need no cgroup: a live one (this test's own process), one
// whose init is gone, one without a state file, a corrupt one, one whose create died before
// it made the cgroup it planned, and a busy one.
func TestGC(t *testing.T) {
	pid, start := selfStart(t)
	root := t.TempDir()
	// IDs no cgroup on the host has, for the corrupt and missing state files.
	prefix := "gctest-" + strconv.Itoa(pid) + "-"
	newStateDir(t, root, prefix+"live", &state.State{ID: prefix + "live", Pid: pid, StartTime: start})
	newStateDir(t, root, prefix+"dead", &state.State{ID: prefix + "dead", Pid: pid, StartTime: start + 1})
	newStateDir(t, root, prefix+"nofile", nil)
	newStateDir(t, root, prefix+"corrupt", "garbage")
	planned, err := cgroups.Conventional(prefix + "planned") // a cgroup not made yet
	if err != nil {
		t.Fatal(err)
	}
	newStateDir(t, root, prefix+"planned", &state.State{ID: prefix + "planned", Cgroup: planned})
	newStateDir(t, root, prefix+"busy", nil)
	busy, err := state.OpenDir(root, prefix+"busy")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()

	corrupt := "state file " + filepath.Join(root, prefix+"corrupt", "state.json") +
		" is corrupt: invalid character 'g' looking for beginning of value"
	want := []Removed{
		{ID: prefix + "corrupt", Why: corrupt, What: []string{"state dir"}},
		{ID: prefix + "dead", Why: "init " + strconv.Itoa(pid) + " gone", What: []string{"state dir"}},
		{ID: prefix + "nofile", Why: "no state file in " + filepath.Join(root, prefix+"nofile"), What: []string{"state dir"}},
		{ID: prefix + "planned", Why: "create died before init started", What: []string{"state dir"}},
	}
	for _, dryRun := range []bool{true, false} {
		removed, err := GC(root, true, dryRun)
		if err != nil {
			t.Fatalf("GC(dryRun %v): %v", dryRun, err)
		}
		if !reflect.DeepEqual(removed, want) {
			t.Fatalf("GC(dryRun %v) = %+v, want %+v", dryRun, removed, want)
		}
		left, _ := stateDirs(root, true)
		wantLeft := []string{prefix + "busy", prefix + "live"}
		if dryRun {
			wantLeft = []string{prefix + "busy", prefix + "corrupt", prefix + "dead", prefix + "live", prefix + "nofile", prefix + "planned"}
		}
		if !reflect.DeepEqual(left, wantLeft) {
			t.Fatalf("after GC(dryRun %v): %v left, want %v", dryRun, left, wantLeft)
		}
	}
}

func TestListReportsCorrupt(t *testing.T) {
	pid, start := selfStart(t)
	root := t.TempDir()
	newStateDir(t, root, "ok", &state.State{ID: "ok", Pid: pid, StartTime: start})
	newStateDir(t, root, "bad", "{")
	newStateDir(t, root, "young", nil) // a create just starting: not reported
	states, broken, err := List(root, true)
	if err != nil {
		t.Fatal(err)
	}
	if len(states) != 1 || states[0].ID != "ok" {
		t.Fatalf("List states = %+v, want only ok", states)
	}
	if len(broken) != 1 || !errors.Is(broken[0], state.ErrCorrupt) || !strings.HasPrefix(broken[0].Error(), "bad: state file ") {
		t.Fatalf("List broken = %v, want one for bad", broken)
	}
}
