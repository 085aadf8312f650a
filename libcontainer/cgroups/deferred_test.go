package cgroups

import (
	"maps"
	"reflect"
	"testing"

	"github.com/opencontainers/cgroups"
)

func TestDeferredPidsLimit(t *testing.T) {
	limit := int64(2)
	for _, tc := range []struct {
		name         string
		in           *cgroups.Resources
		wantCreate   *cgroups.Resources
		wantDeferred *cgroups.Resources
	}{
		{name: "nil", in: nil, wantCreate: nil, wantDeferred: nil},
		{
			name:       "no pids limit: all at create",
			in:         &cgroups.Resources{Memory: 1 << 26},
			wantCreate: &cgroups.Resources{Memory: 1 << 26},
		},
		{
			name:         "pids limit waits",
			in:           &cgroups.Resources{Memory: 1 << 26, PidsLimit: &limit},
			wantCreate:   &cgroups.Resources{Memory: 1 << 26},
			wantDeferred: &cgroups.Resources{PidsLimit: &limit, SkipDevices: true},
		},
		{
			name:         "unified pids.max waits, other keys do not",
			in:           &cgroups.Resources{Unified: map[string]string{"pids.max": "3", "memory.high": "50M"}},
			wantCreate:   &cgroups.Resources{Unified: map[string]string{"memory.high": "50M"}},
			wantDeferred: &cgroups.Resources{Unified: map[string]string{"pids.max": "3"}, SkipDevices: true},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var before *cgroups.Resources
			if tc.in != nil {
				c := *tc.in
				c.Unified = maps.Clone(tc.in.Unified)
				before = &c
			}
			if got := withoutPidsLimit(tc.in); !reflect.DeepEqual(got, tc.wantCreate) {
				t.Errorf("withoutPidsLimit: got %+v, want %+v", got, tc.wantCreate)
			}
			if got := pidsLimitOnly(tc.in); !reflect.DeepEqual(got, tc.wantDeferred) {
				t.Errorf("pidsLimitOnly: got %+v, want %+v", got, tc.wantDeferred)
			}
			// The config's own resources stay whole: the state saves them.
			if !reflect.DeepEqual(tc.in, before) {
				t.Errorf("input changed: %+v, was %+v", tc.in, before)
			}
		})
	}
}
