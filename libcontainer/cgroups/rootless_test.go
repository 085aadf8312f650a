package cgroups

import (
	"errors"
	"strings"
	"testing"

	"github.com/opencontainers/cgroups"
)

func TestExplainRootless(t *testing.T) {
	tests := []struct {
		name     string
		rootless bool
		err      string
		want     string // "" for nil
	}{
		{"memory", true, "cannot set memory limit: container could not join or create cgroup", "linux.resources.memory: cannot be applied: berth runs rootless"},
		{"cpuset", true, "cannot set cpuset limit: container could not join or create cgroup", "linux.resources.cpu: "},
		{"blkio", true, "cannot set blkio limit: container could not join or create cgroup", "linux.resources.blockIO: "},
		{"unknown controller", true, "cannot set misc limit: container could not join or create cgroup", "linux.resources: cannot be applied"},
		{"not rootless", false, "cannot set memory limit: container could not join or create cgroup", ""},
		{"another error", true, "write memory.limit_in_bytes: invalid argument", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := explainRootless(errors.New(tt.err), &cgroups.Cgroup{Rootless: tt.rootless})
			switch {
			case tt.want == "" && got != nil:
				t.Errorf("explainRootless = %v, want nil", got)
			case tt.want != "" && (got == nil || !strings.HasPrefix(got.Error(), tt.want)):
				t.Errorf("explainRootless = %v, want it to start with %q", got, tt.want)
			}
		})
	}
}
