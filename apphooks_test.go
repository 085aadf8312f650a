package main

import (
	"strings"
	"testing"
)

func TestParseRootless(t *testing.T) {
	tests := []struct {
		value    string
		euid     int
		inUserNS bool
		want     bool
		wantErr  string
	}{
		{value: "", euid: 0, want: false},
		{value: "auto", euid: 0, want: false},
		{value: "auto", euid: 1000, want: true},
		{value: "auto", euid: 0, inUserNS: true, want: true},
		{value: "false", euid: 1000, want: false},
		{value: "0", euid: 0, want: false},
		{value: "true", euid: 0, want: true},
		{value: "1", euid: 1000, want: true},
		{value: "maybe", wantErr: `--rootless "maybe": must be true, false or auto`},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			got, err := parseRootless(tt.value, tt.euid, tt.inUserNS)
			switch {
			case tt.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("parseRootless(%q) = %v, %v; want an error containing %q", tt.value, got, err, tt.wantErr)
				}
			case err != nil || got != tt.want:
				t.Errorf("parseRootless(%q, euid %d, userns %v) = %v, %v; want %v", tt.value, tt.euid, tt.inUserNS, got, err, tt.want)
			}
		})
	}
}

// TestDefaultRoot: runc's rule for --root's default, with berth's names.
func TestDefaultRoot(t *testing.T) {
	tests := []struct {
		name     string
		euid     int
		inUserNS bool
		xdg      string
		xdgOwner int
		want     string
	}{
		{"root", 0, false, "", -1, "/run/berth"},
		{"root with XDG_RUNTIME_DIR", 0, false, "/run/user/0", 0, "/run/berth"},
		{"user", 1000, false, "/run/user/1000", 1000, "/run/user/1000/berth"},
		{"user without XDG_RUNTIME_DIR", 1000, false, "", -1, "/run/berth"},
		{"user with someone else's XDG_RUNTIME_DIR", 1000, false, "/tmp/x", 0, "/tmp/x/berth"},
		{"root of a user namespace, its own XDG_RUNTIME_DIR", 0, true, "/run/user/1000", 0, "/run/user/1000/berth"},
		{"root of a user namespace, a foreign XDG_RUNTIME_DIR", 0, true, "/run/user/1000", 65534, "/run/berth"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := defaultRoot(tt.euid, func() bool { return tt.inUserNS }, tt.xdg, tt.xdgOwner); got != tt.want {
				t.Errorf("defaultRoot(%d, %v, %q, %d) = %q, want %q", tt.euid, tt.inUserNS, tt.xdg, tt.xdgOwner, got, tt.want)
			}
		})
	}
}
