package main

import "testing"

func TestCommandOf(t *testing.T) {
	app := newApp()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"exec", "c1", "true"}, "exec"},
		{[]string{"--root", "/r", "exec", "c1"}, "exec"},
		{[]string{"--root=/r", "--debug", "run", "c1"}, "run"},
		{[]string{"--log", "exec", "--log-format", "json", "state", "exec"}, "state"},
		{[]string{"-debug", "create", "c1"}, "create"},
		{[]string{"--systemd-cgroup", "--criu", "/bin/criu", "restore"}, "restore"},
		{[]string{"--root"}, ""},
		{[]string{"--", "exec"}, ""},
		{nil, ""},
	}
	for _, tt := range tests {
		if got := commandOf(app, tt.args); got != tt.want {
			t.Errorf("commandOf(%q) = %q, want %q", tt.args, got, tt.want)
		}
	}
}
