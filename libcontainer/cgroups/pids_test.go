package cgroups

import "testing"

func TestPidsEventsMaxAndFree(t *testing.T) {
	tests := []struct {
		name   string
		events string
		hits   uint64
		p      Pids
		free   int64
	}{
		{"v1 and v2 format", "max 3\n", 3, Pids{Current: 4, Max: 5}, 1},
		{"no refused forks", "max 0", 0, Pids{Current: 5, Max: 5}, 0},
		{"other lines first", "max.imposed 1\nmax 7\n", 7, Pids{Current: 6, Max: 5}, 0},
		{"empty", "", 0, Pids{Current: 9, Max: -1}, -1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pidsEventsMax(tt.events); got != tt.hits {
				t.Errorf("pidsEventsMax(%q) = %d, want %d", tt.events, got, tt.hits)
			}
			if got := tt.p.Free(); got != tt.free {
				t.Errorf("%+v.Free() = %d, want %d", tt.p, got, tt.free)
			}
		})
	}
}
