//go:build linux && cgo

package nsenter

import (
	"os"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/berth-runtime/berth/libcontainer/internal/testutil"
	"github.com/berth-runtime/berth/libcontainer/namespaces"
	"github.com/berth-runtime/berth/libcontainer/protocol"
)

// TestWithNamespacesPlan drives the constructor with what package namespaces produces, so the
// two sides of the environment contract cannot drift apart.
func TestWithNamespacesPlan(t *testing.T) {
	testutil.RequireRoot(t)
	h := newHolder(t, nil)
	hostUTS, _ := os.Readlink("/proc/self/ns/uts")
	s := &specs.Spec{Linux: &specs.Linux{
		Namespaces: []specs.LinuxNamespace{
			{Type: specs.PIDNamespace},
			{Type: specs.NetworkNamespace, Path: h.path("net")},
			{Type: specs.UTSNamespace},
			{Type: specs.TimeNamespace},
		},
		TimeOffsets: map[string]specs.LinuxTimeOffset{"monotonic": {Secs: 3600}},
	}}
	plan, err := namespaces.PlanFor(s)
	if err != nil {
		t.Fatal(err)
	}
	files, env, err := plan.OpenJoins(4)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		for _, f := range files {
			f.Close()
		}
	}()
	var before unix.Timespec
	unix.ClockGettime(unix.CLOCK_MONOTONIC, &before)
	o := run{env: env, files: files, attr: plan.SysProcAttr()}.do(t)
	r := o.mustSucceed(t)
	if !plan.Forks() || o.forked == nil {
		t.Fatalf("want a fork: Forks %v, frames %v", plan.Forks(), o.frames)
	}
	if want := nsLink(t, files[0]); r.NS["net"] != want {
		t.Errorf("net ns = %s, want %s", r.NS["net"], want)
	}
	if r.NS["uts"] == hostUTS || r.Pid != 1 {
		t.Errorf("uts ns %s (host %s), pid %d: want a new uts ns and pid 1", r.NS["uts"], hostUTS, r.Pid)
	}
	if d := r.Monotonic - before.Sec; d < 3600 || d > 3660 {
		t.Errorf("CLOCK_MONOTONIC in init - host = %ds, want about 3600s", d)
	}
	for name := range r.Env {
		if strings.HasPrefix(name, "_BERTH_") && name != protocol.EnvSyncFd {
			t.Errorf("Go sees %s", name)
		}
	}
}
