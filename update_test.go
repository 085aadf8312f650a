package main

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestParseMemorySize(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int64
		bad  bool
	}{
		{in: "100000000", want: 100000000},
		{in: "-1", want: -1},
		{in: "0", want: 0},
		{in: "100b", want: 100},
		{in: "512k", want: 512 << 10},
		{in: "512m", want: 512 << 20},
		{in: "512M", want: 512 << 20},
		{in: "1g", want: 1 << 30},
		{in: "1.5g", want: 3 << 29},
		{in: "2t", want: 2 << 40},
		{in: "1p", want: 1 << 50},
		{in: "64mb", want: 64 << 20},
		{in: "64MiB", want: 64 << 20},
		{in: "64kb", want: 64 << 10},
		{in: "64 m", want: 64 << 20},
		{in: " 8m ", want: 8 << 20},
		{in: "", bad: true},
		{in: "m", bad: true},
		{in: "1x", bad: true},
		{in: "1mm", bad: true},
		{in: "1mib2", bad: true},
		{in: "-5", bad: true},
		{in: "-1m", bad: true},
		{in: "1e3", bad: true},
		{in: "1.2.3m", bad: true},
		{in: "99999999p", bad: true},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseMemorySize(tc.in)
			if tc.bad {
				if err == nil {
					t.Errorf("parseMemorySize(%q) = %d, want an error", tc.in, got)
				}
				return
			}
			if err != nil || got != tc.want {
				t.Errorf("parseMemorySize(%q) = %d, %v; want %d", tc.in, got, err, tc.want)
			}
		})
	}
}

func TestResourcesFromFlags(t *testing.T) {
	for _, tc := range []struct {
		name    string
		flags   map[string]string
		want    string // linux.resources JSON
		wantErr string
	}{
		{"no flags", nil, `{}`, ""},
		{"memory sizes with suffixes",
			map[string]string{"memory": "512m", "memory-reservation": "256M", "memory-swap": "1g"},
			`{"memory":{"limit":536870912,"reservation":268435456,"swap":1073741824}}`, ""},
		{"unlimited swap", map[string]string{"memory-swap": "-1"}, `{"memory":{"swap":-1}}`, ""},
		{"cpu", map[string]string{"cpu-share": "512", "cpu-quota": "-1", "cpu-period": "100000",
			"cpu-rt-period": "1000000", "cpu-rt-runtime": "950000", "cpuset-cpus": "0-1", "cpuset-mems": "0"},
			`{"cpu":{"shares":512,"quota":-1,"period":100000,"realtimeRuntime":950000,"realtimePeriod":1000000,"cpus":"0-1","mems":"0"}}`, ""},
		{"pids and blkio", map[string]string{"pids-limit": "100", "blkio-weight": "500"},
			`{"pids":{"limit":100},"blockIO":{"weight":500}}`, ""},
		{"pids-limit 0 is runc's default: not given", map[string]string{"pids-limit": "0"}, `{}`, ""},
		{"empty values are not given", map[string]string{"memory": "", "cpuset-cpus": " "}, `{}`, ""},
		{"bad size", map[string]string{"memory": "1x"}, "", `--memory "1x": invalid size`},
		{"bad number", map[string]string{"cpu-period": "abc"}, "", `--cpu-period "abc": invalid syntax`},
		{"negative shares", map[string]string{"cpu-share": "-2"}, "", `--cpu-share "-2": invalid syntax`},
		{"weight out of range", map[string]string{"blkio-weight": "70000"}, "", `value out of range`},
		{"intel rdt", map[string]string{"l3-cache-schema": "L3:0=f"}, "", "intel rdt is not supported"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := resourcesFromFlags(func(name string) (string, bool) {
				v, ok := tc.flags[name]
				return v, ok
			})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got, _ := json.Marshal(r)
			if string(got) != tc.want {
				t.Errorf("resources:\n got %s\nwant %s", got, tc.want)
			}
		})
	}
}

func TestReadResources(t *testing.T) {
	r, err := readResources("-", strings.NewReader(`{"memory":{"limit":1048576},"pids":{"limit":7}}`))
	if err != nil {
		t.Fatal(err)
	}
	if *r.Memory.Limit != 1<<20 || *r.Pids.Limit != 7 || r.CPU != nil {
		t.Errorf("decoded %+v", r)
	}
	if _, err := readResources("-", strings.NewReader("garbage")); err == nil {
		t.Error("garbage JSON: want an error")
	}
	if _, err := readResources("/nonexistent/resources.json", nil); err == nil {
		t.Error("missing file: want an error")
	}
}
