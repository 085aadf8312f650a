package protocol

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/berth-runtime/berth/libcontainer/internal/testutil"
)

func openRoot(t *testing.T) *os.File {
	t.Helper()
	f, err := os.Open("/")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}

func TestRoundTrip(t *testing.T) {
	a, b := testutil.SocketPair(t)
	root := openRoot(t)
	msgs := []*Message{
		{Kind: KindPid, Pid: 42},
		{Kind: KindConfig, Config: &InitConfig{Rootfs: "/r", PreserveFds: 2}},
		{Kind: KindIDMap, Mount: 7, File: root},
		{Kind: KindIDMapDone},
		{Kind: KindSeccompFd, File: root},
		{Kind: KindStart},
		{Kind: KindStart, LogLevel: "debug", File: root},
		{Kind: KindReady},
	}
	go func() {
		for _, m := range msgs {
			if err := Send(a, m); err != nil {
				t.Error(err)
			}
		}
		a.Close()
	}()
	for _, want := range msgs {
		got, err := Receive(b)
		if err != nil {
			t.Fatal(err)
		}
		if got.Kind != want.Kind || got.Pid != want.Pid || got.Mount != want.Mount {
			t.Fatalf("got %+v, want %+v", got, want)
		}
		if (got.File != nil) != (want.File != nil) {
			t.Fatalf("%s: file %v, want one: %v", got.Kind, got.File, want.File != nil)
		}
		if got.File != nil {
			if !testutil.SameFile(t, got.File, root) {
				t.Errorf("%s: the fd is not the file sent", got.Kind)
			}
			if flags, _ := unix.FcntlInt(got.File.Fd(), unix.F_GETFD, 0); flags&unix.FD_CLOEXEC == 0 {
				t.Errorf("%s: the fd is not close-on-exec", got.Kind)
			}
			got.File.Close()
		}
	}
	if _, err := Receive(b); !errors.Is(err, ErrClosed) {
		t.Fatalf("at end: %v, want ErrClosed", err)
	}
}

// rawFrame writes a frame of n (the length field) and body, with fds attached, as a peer that
// does not follow the rules could.
func rawFrame(t *testing.T, conn *os.File, n uint32, body string, fds ...int) {
	t.Helper()
	buf := binary.LittleEndian.AppendUint32(nil, n)
	buf = append(buf, body...)
	var oob []byte
	if len(fds) > 0 {
		oob = unix.UnixRights(fds...)
	}
	if err := unix.Sendmsg(int(conn.Fd()), buf, oob, nil, 0); err != nil {
		t.Fatal(err)
	}
}

func TestReceiveRefusesBadFrames(t *testing.T) {
	root := int(openRoot(t).Fd())
	tests := []struct {
		name, body string
		n          uint32
		fds        []int
		want       string
	}{
		{"oversized length", "", MaxFrame + 1, nil, "refused"},
		{"zero length", "", 0, nil, "refused"},
		{"short body", `{"type":"ready"}`, 100, nil, "read message body"},
		{"not json", "nope", 4, nil, "decode"},
		{"no type", `{"pid":1}`, 9, nil, "without a type"},
		{"unknown kind", `{"type":"nope"}`, 15, nil, `unknown message kind "nope"`},
		{"fd claimed by a kind without one", `{"type":"ready","fd":true}`, 26, []int{root}, "ready message says it has one, but an fd is not allowed"},
		{"fd missing", `{"type":"idmap","fd":true}`, 26, nil, "idmap message came with 0 fds, want 1"},
		{"fd not announced", `{"type":"seccompFd"}`, 20, []int{root}, "seccompFd message says it has none, but an fd is required"},
		{"fd smuggled", `{"type":"ready"}`, 16, []int{root}, "ready message came with 1 fds, want 0"},
		{"two fds", `{"type":"idmap","fd":true}`, 26, []int{root, root}, "came with 2 fds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := testutil.SocketPair(t)
			rawFrame(t, a, tt.n, tt.body, tt.fds...)
			a.Close()
			_, err := Receive(b)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestSendChecksTheFdRule(t *testing.T) {
	a, _ := testutil.SocketPair(t)
	root := openRoot(t)
	tests := []struct {
		m    *Message
		want string
	}{
		{&Message{Kind: KindIDMap}, "an fd is required, and this one has none"},
		{&Message{Kind: KindReady, File: root}, "an fd is not allowed, and this one has one"},
		{&Message{Kind: "nope"}, `unknown message kind "nope"`},
	}
	for _, tt := range tests {
		if err := Send(a, tt.m); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Send(%s) = %v, want %q", tt.m.Kind, err, tt.want)
		}
	}
}

func TestServe(t *testing.T) {
	root := openRoot(t)
	tests := []struct {
		name    string
		send    []*Message
		until   []Kind
		failOn  Kind   // the handler of this kind fails
		want    Kind   // the message Serve returns
		wantErr string // or its error
		served  int    // handler calls expected
	}{
		{"handlers then until", []*Message{{Kind: KindHooks}, {Kind: KindIDMap, File: root}, {Kind: KindReady}}, []Kind{KindReady}, "", KindReady, "", 2},
		{"error frame", []*Message{{Kind: KindHooks}, {Kind: KindError, Error: `mounts[1] destination "/x": boom`}}, []Kind{KindReady}, "", "", `mounts[1] destination "/x": boom`, 1},
		{"unexpected kind", []*Message{{Kind: KindPid, Pid: 1}}, []Kind{KindReady}, "", "", `unexpected "pid" message`, 0},
		{"until close", []*Message{{Kind: KindSeccompFd, File: root}}, nil, "", "", ErrClosed.Error(), 1},
		{"handler fails", []*Message{{Kind: KindIDMap, File: root}, {Kind: KindReady}}, []Kind{KindReady}, KindIDMap, "", "handler says no", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := testutil.SocketPair(t)
			for _, m := range tt.send {
				if err := Send(a, m); err != nil {
					t.Fatal(err)
				}
			}
			a.Close()
			var served []*Message
			handle := func(m *Message) error {
				served = append(served, m)
				if m.Kind == tt.failOn {
					return errors.New("handler says no")
				}
				return nil
			}
			handlers := map[Kind]Handler{KindHooks: handle, KindIDMap: handle, KindSeccompFd: handle}
			m, err := Serve(b, handlers, tt.until...)
			switch {
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			case tt.wantErr == "" && (err != nil || m.Kind != tt.want):
				t.Fatalf("Serve = %v, %v; want a %s message", m, err, tt.want)
			}
			if len(served) != tt.served {
				t.Errorf("handlers ran %d times, want %d", len(served), tt.served)
			}
			for _, m := range served {
				if m.File == nil {
					continue
				}
				if _, err := unix.FcntlInt(m.File.Fd(), unix.F_GETFD, 0); err == nil {
					t.Errorf("Serve left the fd of a %s message open after its handler", m.Kind)
				}
			}
		})
	}
}

func TestSendRefusesOversizedFrames(t *testing.T) {
	a, b := testutil.SocketPair(t)
	big := &Message{Kind: KindError, Error: strings.Repeat("x", MaxFrame)}
	if err := Send(a, big); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	a.Close()
	if _, err := Receive(b); !errors.Is(err, ErrClosed) {
		t.Fatalf("part of an oversized frame was written: %v", err)
	}
}

// TestInitConfigSpec: init's config keeps every field of the spec init reads and leaves out
// the four it never does (resources, intelRdt, seccomp, netDevices: the host's business).
func TestInitConfigSpec(t *testing.T) {
	limit := int64(1 << 20)
	mode := os.FileMode(0o600)
	full := &specs.Spec{
		Version: "1.3.0", Hostname: "h", Domainname: "d", Annotations: map[string]string{"a": "b"},
		Process: &specs.Process{Args: []string{"sh"}, Cwd: "/", Rlimits: []specs.POSIXRlimit{{Type: "RLIMIT_NOFILE", Hard: 1, Soft: 1}}},
		Root:    &specs.Root{Path: "rootfs", Readonly: true},
		Mounts:  []specs.Mount{{Destination: "/proc", Type: "proc", Source: "proc", Options: []string{"nosuid"}}},
		Hooks:   &specs.Hooks{StartContainer: []specs.Hook{{Path: "/bin/h"}}},
		Linux: &specs.Linux{
			UIDMappings: []specs.LinuxIDMapping{{HostID: 1000, Size: 1}}, GIDMappings: []specs.LinuxIDMapping{{HostID: 1000, Size: 1}},
			Sysctl: map[string]string{"net.ipv4.ip_forward": "1"}, CgroupsPath: "/c",
			Namespaces:        []specs.LinuxNamespace{{Type: specs.MountNamespace}},
			Devices:           []specs.LinuxDevice{{Path: "/dev/fuse", Type: "c", Major: 10, Minor: 229, FileMode: &mode}},
			RootfsPropagation: "rprivate", MaskedPaths: []string{"/proc/kcore"}, ReadonlyPaths: []string{"/proc/sys"},
			MountLabel: "l", Personality: &specs.LinuxPersonality{Domain: specs.PerLinux},
			TimeOffsets:  map[string]specs.LinuxTimeOffset{"monotonic": {Secs: 1}},
			MemoryPolicy: &specs.LinuxMemoryPolicy{Mode: specs.MpolBind, Nodes: "0"},
			Resources:    &specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: &limit}},
			Seccomp:      &specs.LinuxSeccomp{DefaultAction: specs.ActAllow},
			IntelRdt:     &specs.LinuxIntelRdt{ClosID: "x"},
			NetDevices:   map[string]specs.LinuxNetDevice{"eth1": {Name: "eth0"}},
		},
	}
	want := *full
	wantLinux := *full.Linux
	wantLinux.Resources, wantLinux.Seccomp, wantLinux.IntelRdt, wantLinux.NetDevices = nil, nil, nil, nil
	want.Linux = &wantLinux
	tests := []struct {
		name       string
		spec, want *specs.Spec
	}{
		{"every field", full, &want},
		{"no linux", &specs.Spec{Version: "1.3.0", Process: full.Process}, &specs.Spec{Version: "1.3.0", Process: full.Process}},
		{"no spec", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := json.Marshal(&InitConfig{Spec: tt.spec, Rootfs: "/r"})
			if err != nil {
				t.Fatal(err)
			}
			var got InitConfig
			if err := json.Unmarshal(data, &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Spec, tt.want) || got.Rootfs != "/r" {
				t.Errorf("init's spec %+v\nwant %+v", got.Spec, tt.want)
			}
		})
	}
}
