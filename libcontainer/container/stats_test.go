package container

import (
	"encoding/json"
	"reflect"
	"sort"
	"testing"

	libcg "github.com/opencontainers/cgroups"
)

// TestStatsJSONShape checks the field names that runc's `events` consumers (containerd's runc
// shim, for one) read.
func TestStatsJSONShape(t *testing.T) {
	s := libcg.NewStats()
	s.CpuStats.CpuUsage = libcg.CpuUsage{TotalUsage: 10, PercpuUsage: []uint64{6, 4}, UsageInKernelmode: 3, UsageInUsermode: 7}
	s.CpuStats.ThrottlingData.Periods = 2
	s.MemoryStats.Usage = libcg.MemoryData{Usage: 100, MaxUsage: 200, Limit: 300}
	s.MemoryStats.Stats["rss"] = 42
	s.PidsStats = libcg.PidsStats{Current: 2, Limit: 100}
	s.BlkioStats.IoServiceBytesRecursive = []libcg.BlkioStatEntry{{Major: 8, Minor: 0, Op: "Read", Value: 4096}}
	s.HugetlbStats["2MB"] = libcg.HugetlbStats{Usage: 1, MaxUsage: 2, Failcnt: 3}

	data, err := json.Marshal(Event{Type: EventStats, ID: "c1", Data: convertStats(s)})
	if err != nil {
		t.Fatal(err)
	}
	var got map[string]any
	if err := json.Unmarshal(data, &got); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		path []string
		want any
	}{
		{[]string{"type"}, "stats"},
		{[]string{"id"}, "c1"},
		{[]string{"data", "cpu", "usage", "total"}, 10.0},
		{[]string{"data", "cpu", "usage", "percpu"}, []any{6.0, 4.0}},
		{[]string{"data", "cpu", "usage", "kernel"}, 3.0},
		{[]string{"data", "cpu", "usage", "user"}, 7.0},
		{[]string{"data", "cpu", "throttling", "periods"}, 2.0},
		{[]string{"data", "memory", "usage"}, map[string]any{"usage": 100.0, "max": 200.0, "limit": 300.0, "failcnt": 0.0}},
		{[]string{"data", "memory", "kernelTCP"}, map[string]any{"limit": 0.0, "failcnt": 0.0}},
		{[]string{"data", "memory", "raw", "rss"}, 42.0},
		{[]string{"data", "pids"}, map[string]any{"current": 2.0, "limit": 100.0}},
		{[]string{"data", "blkio", "ioServiceBytesRecursive"},
			[]any{map[string]any{"major": 8.0, "op": "Read", "value": 4096.0}}},
		{[]string{"data", "hugetlb", "2MB"}, map[string]any{"usage": 1.0, "max": 2.0, "failcnt": 3.0}},
		{[]string{"data", "intel_rdt"}, map[string]any{}},
		{[]string{"data", "network_interfaces"}, nil},
	} {
		if v := lookup(got, tc.path); !reflect.DeepEqual(v, tc.want) {
			t.Errorf("%v = %#v, want %#v", tc.path, v, tc.want)
		}
	}
	var keys []string
	for k := range got["data"].(map[string]any) {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	want := []string{"blkio", "cpu", "cpuset", "hugetlb", "intel_rdt", "memory", "network_interfaces", "pids"}
	if !reflect.DeepEqual(keys, want) {
		t.Errorf("data keys = %v, want %v", keys, want)
	}
}

func TestOOMEventJSON(t *testing.T) {
	data, err := json.Marshal(Event{Type: EventOOM, ID: "c1"})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(data), `{"type":"oom","id":"c1"}`; got != want {
		t.Errorf("oom event = %s, want %s", got, want)
	}
}

func lookup(v any, path []string) any {
	for _, key := range path {
		m, ok := v.(map[string]any)
		if !ok {
			return "<missing>"
		}
		if v, ok = m[key]; !ok {
			return "<missing>"
		}
	}
	return v
}
