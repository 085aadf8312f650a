package rootfs

import (
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

func TestForceReadOnlyCgroupfs(t *testing.T) {
	noNS := &specs.Spec{Linux: &specs.Linux{}}
	tests := []struct {
		name   string
		cfg    Config
		mount  specs.Mount
		bind   bool
		wantRO bool
	}{
		{"cgroup without cgroupns", Config{Spec: noNS}, specs.Mount{Type: "cgroup"}, false, true},
		{"cgroup2 without cgroupns", Config{Spec: noNS}, specs.Mount{Type: "cgroup2"}, false, true},
		{"cgroupns, not rootless", Config{Spec: noNS, CgroupNS: true}, specs.Mount{Type: "cgroup2"}, false, false},
		{"cgroupns in a user namespace", Config{Spec: noNS, CgroupNS: true, InUserNS: true}, specs.Mount{Type: "cgroup2"}, false, true},
		{"tmpfs untouched", Config{Spec: noNS}, specs.Mount{Type: "tmpfs"}, false, false},
		{"bind of the host's cgroupfs is the user's choice", Config{Spec: noNS}, specs.Mount{Type: "bind"}, true, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := MountOptions{Cleared: unix.MS_RDONLY} // "rw" asked for
			forceReadOnlyCgroupfs(&tt.cfg, tt.mount, tt.bind, &opts)
			if got := opts.Flags&unix.MS_RDONLY != 0; got != tt.wantRO {
				t.Fatalf("read-only = %v, want %v", got, tt.wantRO)
			}
		})
	}
}
