package process

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/moby/sys/capability"
	specs "github.com/opencontainers/runtime-spec/specs-go"
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
	_, err = newCapSets(&specs.LinuxCapabilities{Permitted: []string{"CAP_CHOWN", "CAP_BOGUS"}})
	if err == nil || !strings.Contains(err.Error(), `process.capabilities.permitted[1] "CAP_BOGUS"`) {
		t.Fatalf("unknown cap: %v", err)
	}
}

func TestSetRlimitsUnknown(t *testing.T) {
	err := SetRlimits(&specs.Process{Rlimits: []specs.POSIXRlimit{{Type: "RLIMIT_BOGUS"}}})
	if err == nil || !strings.Contains(err.Error(), "process.rlimits[0]") {
		t.Fatalf("err = %v", err)
	}
}
