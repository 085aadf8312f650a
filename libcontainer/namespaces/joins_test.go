package namespaces

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestOpenJoinsEnv(t *testing.T) {
	tests := []struct {
		name string
		spec *specs.Spec
		want []string // without the _BERTH_NS_FDS entry, which needs files
	}{
		{"fast path", nsSpec("pid", "mount"), nil},
		{"new time, new pid and mount", withOffsets(nsSpec("time", "pid", "mount"), map[string]specs.LinuxTimeOffset{"monotonic": {Secs: 10}}),
			[]string{"_BERTH_NSENTER=1", "_BERTH_SYNC_FD=5", "_BERTH_UNSHARE=20020080", "_BERTH_TIMENS_OFFSETS=monotonic 10 0\n", "_BERTH_FORK=1"}},
		{"new time alone", nsSpec("time"),
			[]string{"_BERTH_NSENTER=1", "_BERTH_SYNC_FD=5", "_BERTH_UNSHARE=80"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := PlanFor(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			files, env, err := p.OpenJoins(7, 5)
			if err != nil || len(files) != 0 {
				t.Fatalf("OpenJoins = %v, %v", files, err)
			}
			if !reflect.DeepEqual(env, tt.want) {
				t.Errorf("env = %q, want %q", env, tt.want)
			}
		})
	}
}

func TestOpenJoinsChecksPaths(t *testing.T) {
	regular := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(regular, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		spec *specs.Spec
		want string
	}{
		{"missing", nsSpec("pid", "network=/nonexistent/net"), `linux.namespaces[1].path "/nonexistent/net": open: no such file or directory`},
		{"not a namespace", nsSpec("network=" + regular), `linux.namespaces[0].path "` + regular + `": not a namespace file`},
		{"wrong type", nsSpec("ipc", "network=/proc/self/ns/uts"), `linux.namespaces[1].path "/proc/self/ns/uts": is a uts namespace, want net`},
		{"host-owned from a new userns", withMaps(nsSpec("user", "network=/proc/self/ns/net")),
			`linux.namespaces[1].path "/proc/self/ns/net": owned by the host's user namespace, which cannot be joined from a new user namespace (not supported)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := PlanFor(tt.spec)
			if err != nil {
				t.Fatal(err)
			}
			files, env, err := p.OpenJoins(4, 3)
			if err == nil || err.Error() != tt.want {
				t.Fatalf("OpenJoins = %v, %v, %v; want error %q", files, env, err, tt.want)
			}
		})
	}
}

func TestOpenJoinsFiles(t *testing.T) {
	p, err := PlanFor(nsSpec("pid=/proc/self/ns/pid", "network=/proc/self/ns/net", "uts", "user=/proc/self/ns/user"))
	if err != nil {
		t.Fatal(err)
	}
	files, env, err := p.OpenJoins(10, 3)
	if err != nil {
		t.Fatal(err)
	}
	defer closeAll(files)
	// The host's own user namespace is left out: setns into it would fail with EINVAL.
	want := []string{"_BERTH_NSENTER=1", "_BERTH_SYNC_FD=3", "_BERTH_NS_FDS=pid:10,net:11", "_BERTH_UNSHARE=4000000", "_BERTH_FORK=1"}
	if !reflect.DeepEqual(env, want) {
		t.Errorf("env = %q, want %q", env, want)
	}
	for i, ns := range []string{"pid", "net"} {
		link, err := os.Readlink("/proc/self/fd/" + strconv.Itoa(int(files[i].Fd())))
		if err != nil || !strings.HasPrefix(link, ns+":[") {
			t.Errorf("files[%d] = %q, %v; want the %s namespace", i, link, err, ns)
		}
	}
}
