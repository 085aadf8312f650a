package container

import (
	"errors"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/berth-runtime/berth/libcontainer/protocol"
)

func TestWaitBudget(t *testing.T) {
	five, ten := 5, 10
	tests := []struct {
		name  string
		hooks [][]specs.Hook
		want  time.Duration
		ok    bool
	}{
		{"no hooks", nil, initTimeout, true},
		{"timeouts add up", [][]specs.Hook{{{Timeout: &five}}, {{Timeout: &ten}, {Timeout: &five}}}, initTimeout + 20*time.Second, true},
		{"a hook without a timeout: unbounded", [][]specs.Hook{{{Timeout: &five}, {}}}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok := waitBudget(tt.hooks...)
			if d != tt.want || ok != tt.ok {
				t.Errorf("waitBudget = %v, %v; want %v, %v", d, ok, tt.want, tt.ok)
			}
		})
	}
}

// TestBoundWait: a silent init ends the wait with an error saying what was waited for; the
// deadline is gone afterwards.
func TestBoundWait(t *testing.T) {
	defer func(d time.Duration) { initTimeout = d }(initTimeout)
	initTimeout = 50 * time.Millisecond
	host, child, err := socketpair() // the host end non-blocking, as create has it
	if err != nil {
		t.Fatal(err)
	}
	defer host.Close()
	defer child.Close()
	explain := boundWait(host, "set the container up")
	start := time.Now()
	_, err = protocol.Receive(host)
	err = explain(err)
	if err == nil || !strings.Contains(err.Error(), "container init did not set the container up within 50ms") {
		t.Fatalf("err = %v", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("the wait took %v", took)
	}
	if err := explain(errors.New("other")); err.Error() != "other" {
		t.Errorf("explain changed another error: %v", err)
	}
}
