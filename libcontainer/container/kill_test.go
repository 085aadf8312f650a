package container

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestSignalsEveryProcess(t *testing.T) {
	tests := []struct {
		name          string
		sig           unix.Signal
		all, ownPidNS bool
		want          bool
	}{
		{"KILL, own pidns: the kernel kills the rest", unix.SIGKILL, false, true, false},
		{"KILL, host pidns: the rest would outlive init", unix.SIGKILL, false, false, true},
		{"TERM, host pidns: init may handle it", unix.SIGTERM, false, false, false},
		{"TERM, own pidns", unix.SIGTERM, false, true, false},
		{"--all TERM, own pidns", unix.SIGTERM, true, true, true},
		{"--all KILL, host pidns", unix.SIGKILL, true, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := signalsEveryProcess(tt.sig, tt.all, tt.ownPidNS); got != tt.want {
				t.Errorf("signalsEveryProcess(%v, all=%v, ownPidNS=%v) = %v, want %v",
					tt.sig, tt.all, tt.ownPidNS, got, tt.want)
			}
		})
	}
}
