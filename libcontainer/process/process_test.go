package process

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/sys/capability"
	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/berth-runtime/berth/libcontainer/protocol"
)

func TestLookPath(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "prog")
	os.WriteFile(exe, []byte("#!/bin/sh\n"), 0o755)
	os.WriteFile(filepath.Join(dir, "plain"), nil, 0o644)
	tests := []struct {
		name, path, want string
		wantErr          string
	}{
		{"prog", dir, exe, ""},
		{"prog", "/nonexistent:" + dir, exe, ""},
		{"missing", dir, "", "not found in $PATH"},
		{"plain", dir, "", "not found in $PATH"},
		{exe, "", exe, ""},
		{filepath.Join(dir, "plain"), "", "", "not executable"},
		{dir, "", "", "is a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := lookPath(tt.name, tt.path)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestEnvPath(t *testing.T) {
	if got := envPath([]string{"A=1"}); got != DefaultPath {
		t.Fatalf("no PATH: %q", got)
	}
	if got := envPath([]string{"PATH=/a", "PATH=/b"}); got != "/b" {
		t.Fatalf("last PATH wins: %q", got)
	}
}

func TestResolveNamesTheField(t *testing.T) {
	_, err := Resolve(&specs.Process{Args: []string{"no-such-program-xyz"}, Env: []string{"PATH=/nonexistent"}})
	if err == nil || !strings.Contains(err.Error(), `process.args[0] "no-such-program-xyz"`) {
		t.Fatalf("err = %v", err)
	}
	if _, err := Resolve(&specs.Process{}); err == nil {
		t.Fatal("empty args accepted")
	}
}

func TestNewCapSets(t *testing.T) {
	caps, err := newCapSets(&specs.LinuxCapabilities{
		Bounding:  []string{"CAP_CHOWN", "CAP_KILL"},
		Effective: []string{"cap_kill"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if !caps.Get(capability.BOUNDING, capability.CAP_CHOWN) || !caps.Get(capability.EFFECTIVE, capability.CAP_KILL) {
		t.Fatal("asked-for capabilities not set")
	}
	if caps.Get(capability.INHERITABLE, capability.CAP_KILL) || caps.Get(capability.AMBIENT, capability.CAP_KILL) {
		t.Fatal("inheritable/ambient must stay empty unless asked for")
	}
	caps, err = newCapSets(&specs.LinuxCapabilities{Permitted: []string{"CAP_CHOWN", "CAP_BOGUS"}})
	if err != nil || !caps.Get(capability.PERMITTED, capability.CAP_CHOWN) {
		t.Fatalf("an unknown capability must be skipped, not fail: %v", err)
	}
	caps, _ = newCapSets(&specs.LinuxCapabilities{Permitted: []string{"CAP_KILL"}, Ambient: []string{"CAP_KILL"}})
	if caps.Get(capability.AMBIENT, capability.CAP_KILL) {
		t.Fatal("an ambient capability that is not inheritable cannot be raised and must be dropped")
	}
}

func TestSetRlimitsUnknown(t *testing.T) {
	err := SetRlimits(&specs.Process{Rlimits: []specs.POSIXRlimit{{Type: "RLIMIT_BOGUS"}}})
	if err == nil || !strings.Contains(err.Error(), "process.rlimits[0]") {
		t.Fatalf("err = %v", err)
	}
}

func TestHomeOf(t *testing.T) {
	passwd := filepath.Join(t.TempDir(), "passwd")
	os.WriteFile(passwd, []byte("root:x:0:0:root:/root:/bin/sh\nbad line\nuser:x:1000:1000::/home/user:/bin/sh\nrel:x:7:7::relative:/bin/sh\n"), 0o644)
	tests := []struct {
		uid  uint32
		file string
		want string
	}{
		{0, passwd, "/root"},
		{1000, passwd, "/home/user"},
		{7, passwd, "/"},
		{42, passwd, "/"},
		{0, "/nonexistent", "/"},
	}
	for _, tt := range tests {
		if got := homeOf(tt.uid, tt.file); got != tt.want {
			t.Errorf("homeOf(%d, %s) = %q, want %q", tt.uid, tt.file, got, tt.want)
		}
	}
}

func TestAddHomeKeepsAGivenHome(t *testing.T) {
	p := &specs.Process{Env: []string{"HOME=/x"}}
	AddHome(p)
	if len(p.Env) != 1 {
		t.Fatalf("env = %v", p.Env)
	}
}

// TestCapMasks: the C exec path gets the same sets SetCredentials would apply.
func TestCapMasks(t *testing.T) {
	const chown, kill, netRaw = 1 << 0, 1 << 5, 1 << 13
	tests := []struct {
		name string
		caps *specs.LinuxCapabilities
		want protocol.CapMasks
	}{
		{"none", nil, protocol.CapMasks{}},
		{"sets", &specs.LinuxCapabilities{
			Bounding:  []string{"CAP_CHOWN", "CAP_KILL", "CAP_NET_RAW"},
			Effective: []string{"CAP_CHOWN"}, Permitted: []string{"CAP_CHOWN", "cap_kill"},
			Inheritable: []string{"CAP_NET_RAW"},
		}, protocol.CapMasks{Bounding: chown | kill | netRaw, Effective: chown, Permitted: chown | kill, Inheritable: netRaw}},
		{"unknown names skipped", &specs.LinuxCapabilities{Bounding: []string{"CAP_NOPE", "CAP_KILL"}},
			protocol.CapMasks{Bounding: kill}},
		{"ambient needs permitted and inheritable", &specs.LinuxCapabilities{
			Permitted: []string{"CAP_CHOWN", "CAP_KILL"}, Inheritable: []string{"CAP_CHOWN"},
			Ambient: []string{"CAP_CHOWN", "CAP_KILL"},
		}, protocol.CapMasks{Permitted: chown | kill, Inheritable: chown, Ambient: chown}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, last, err := CapMasks(tt.caps)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("CapMasks = %+v, want %+v", got, tt.want)
			}
			if want, _ := capability.LastCap(); last != uint32(want) {
				t.Errorf("last cap %d, want %d", last, want)
			}
		})
	}
}
