package protocol

import (
	"slices"
	"strings"
	"testing"
)

func TestEnv(t *testing.T) {
	tests := []struct {
		name    string
		sets    [][2]string
		want    []string
		wantErr string
	}{
		{"in order", [][2]string{{EnvSyncFd, "3"}, {EnvNsenter, "1"}, {EnvCgroupFds, "5,6"}},
			[]string{"_BERTH_SYNC_FD=3", "_BERTH_NSENTER=1", "_BERTH_CGROUP_FDS=5,6"}, ""},
		{"same value twice is once", [][2]string{{EnvNsenter, "1"}, {EnvSyncFd, "3"}, {EnvNsenter, "1"}},
			[]string{"_BERTH_NSENTER=1", "_BERTH_SYNC_FD=3"}, ""},
		{"two values refused", [][2]string{{EnvSyncFd, "3"}, {EnvSyncFd, "4"}},
			[]string{"_BERTH_SYNC_FD=3"}, `_BERTH_SYNC_FD set to "3" and to "4"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e Env
			var err error
			for _, s := range tt.sets {
				if serr := e.Set(s[0], s[1]); serr != nil {
					err = serr
				}
			}
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
			if got := e.List(); !slices.Equal(got, tt.want) {
				t.Errorf("List = %q, want %q", got, tt.want)
			}
		})
	}
}
