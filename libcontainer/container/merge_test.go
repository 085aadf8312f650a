package container

import (
	"encoding/json"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestMergeResources(t *testing.T) {
	for _, tc := range []struct {
		name     string
		cur, upd string // linux.resources JSON; "" is nil
		want     string
	}{
		{"nothing to change", `{"memory":{"limit":100}}`, "", `{"memory":{"limit":100}}`},
		{"no current resources", "", `{"pids":{"limit":5}}`, `{"pids":{"limit":5}}`},
		{"given field replaced, others kept",
			`{"memory":{"limit":100,"reservation":50},"cpu":{"shares":512}}`,
			`{"memory":{"limit":200}}`,
			`{"memory":{"limit":200,"reservation":50},"cpu":{"shares":512}}`},
		{"zero sizes and cpu numbers mean unchanged",
			`{"memory":{"limit":100,"swap":300},"cpu":{"shares":512,"quota":5000,"period":10000},"blockIO":{"weight":300}}`,
			`{"memory":{"limit":0,"reservation":0,"swap":0},"cpu":{"shares":0,"quota":0,"period":0,"realtimeRuntime":0,"realtimePeriod":0,"cpus":"","mems":""},"blockIO":{"weight":0}}`,
			`{"memory":{"limit":100,"swap":300},"cpu":{"shares":512,"quota":5000,"period":10000},"blockIO":{"weight":300}}`},
		{"-1 is a value", `{"memory":{"limit":100}}`, `{"memory":{"limit":-1}}`, `{"memory":{"limit":-1}}`},
		{"pids limit 0 is a real limit", `{"pids":{"limit":10}}`, `{"pids":{"limit":0}}`, `{"pids":{"limit":0}}`},
		{"cpuset lists",
			`{"cpu":{"cpus":"0-1","mems":"0"}}`, `{"cpu":{"cpus":"1"}}`, `{"cpu":{"cpus":"1","mems":"0"}}`},
		{"hugepage limits merged by size",
			`{"hugepageLimits":[{"pageSize":"2MB","limit":1},{"pageSize":"1GB","limit":2}]}`,
			`{"hugepageLimits":[{"pageSize":"1GB","limit":3},{"pageSize":"64KB","limit":4}]}`,
			`{"hugepageLimits":[{"pageSize":"2MB","limit":1},{"pageSize":"1GB","limit":3},{"pageSize":"64KB","limit":4}]}`},
		{"unified keys merged",
			`{"unified":{"memory.high":"1","pids.max":"5"}}`, `{"unified":{"memory.high":"2"}}`,
			`{"unified":{"memory.high":"2","pids.max":"5"}}`},
		{"devices are not updated",
			`{"devices":[{"allow":false,"access":"rwm"}]}`, `{"devices":[{"allow":true,"access":"rwm"}]}`,
			`{"devices":[{"allow":false,"access":"rwm"}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cur, upd := decodeResources(t, tc.cur), decodeResources(t, tc.upd)
			before := encodeResources(t, cur)
			got := encodeResources(t, mergeResources(cur, upd))
			if want := encodeResources(t, decodeResources(t, tc.want)); got != want {
				t.Errorf("merged:\n got %s\nwant %s", got, want)
			}
			if after := encodeResources(t, cur); after != before {
				t.Errorf("the current resources changed: %s, was %s", after, before)
			}
		})
	}
}

func TestUndoResources(t *testing.T) {
	old := decodeResources(t, `{"memory":{"limit":100}}`)
	merged := decodeResources(t, `{"memory":{"limit":200,"swap":400},"cpu":{"quota":5000,"shares":10},"pids":{"limit":3}}`)
	got := encodeResources(t, undoResources(old, merged))
	want := encodeResources(t, decodeResources(t,
		`{"memory":{"limit":100,"swap":-1},"cpu":{"quota":-1},"pids":{"limit":-1}}`))
	if got != want {
		t.Errorf("undo:\n got %s\nwant %s", got, want)
	}
}

func decodeResources(t *testing.T, s string) *specs.LinuxResources {
	t.Helper()
	if s == "" {
		return nil
	}
	r := new(specs.LinuxResources)
	if err := json.Unmarshal([]byte(s), r); err != nil {
		t.Fatalf("bad test JSON %s: %v", s, err)
	}
	return r
}

func encodeResources(t *testing.T, r *specs.LinuxResources) string {
	t.Helper()
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
