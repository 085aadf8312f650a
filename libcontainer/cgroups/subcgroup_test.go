package cgroups

import (
	"reflect"
	"testing"
)

func TestParseSubCgroups(t *testing.T) {
	tests := []struct {
		in      []string
		want    map[string]string
		wantErr bool
	}{
		{nil, nil, false},
		{[]string{"sub"}, map[string]string{"": "sub"}, false},
		{[]string{"memory,pids:a/b", "cpu:c"}, map[string]string{"memory": "a/b", "pids": "a/b", "cpu": "c"}, false},
		{[]string{"memory:"}, nil, true},
		{[]string{"memory:a", "memory:b"}, nil, true},
	}
	for _, tt := range tests {
		got, err := ParseSubCgroups(tt.in)
		if (err != nil) != tt.wantErr || (!tt.wantErr && !reflect.DeepEqual(got, tt.want)) {
			t.Errorf("ParseSubCgroups(%q) = %v, %v; want %v, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestSubPath(t *testing.T) {
	tests := []struct {
		base, sub, want string
		wantErr         bool
	}{
		{"/sys/fs/cgroup/memory/c1", "", "/sys/fs/cgroup/memory/c1", false},
		{"/sys/fs/cgroup/memory/c1", "sub", "/sys/fs/cgroup/memory/c1/sub", false},
		{"/sys/fs/cgroup/memory/c1", "/a/b", "/sys/fs/cgroup/memory/c1/a/b", false},
		{"/sys/fs/cgroup/memory/c1", "../escape", "", true},
		{"/sys/fs/cgroup/memory/c1", "a/../../x", "", true},
	}
	for _, tt := range tests {
		got, err := subPath(tt.base, tt.sub)
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("subPath(%q, %q) = %q, %v; want %q, err %v", tt.base, tt.sub, got, err, tt.want, tt.wantErr)
		}
	}
}
