package namespaces

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestCheckHost(t *testing.T) {
	dir := t.TempDir()
	nsDir := filepath.Join(dir, "ns")
	os.Mkdir(nsDir, 0o755)
	for _, n := range []string{"mnt", "pid", "user", "net"} { // a kernel without time namespaces
		os.WriteFile(filepath.Join(nsDir, n), nil, 0o644)
	}
	limit := filepath.Join(dir, "max_user_namespaces")
	defer func(a, b string) { procSelfNs, maxUserNamespaces = a, b }(procSelfNs, maxUserNamespaces)
	procSelfNs, maxUserNamespaces = nsDir, limit

	tests := []struct {
		name  string
		ns    []specs.LinuxNamespace
		limit string
		want  string
	}{
		{"all there", []specs.LinuxNamespace{{Type: "mount"}, {Type: "pid"}, {Type: "network"}}, "100", ""},
		{"no time namespaces", []specs.LinuxNamespace{{Type: "mount"}, {Type: "time"}}, "100", "linux.namespaces[1] time: this kernel has no time namespaces"},
		{"user namespaces off", []specs.LinuxNamespace{{Type: "user"}}, "0\n", "linux.namespaces[0] user: user namespaces are switched off on this host"},
		{"joining one still works when off", []specs.LinuxNamespace{{Type: "user", Path: "/proc/1/ns/user"}}, "0", ""},
		{"user namespaces on", []specs.LinuxNamespace{{Type: "user"}}, "15000", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.WriteFile(limit, []byte(tt.limit), 0o644)
			err := CheckHost(&specs.Spec{Linux: &specs.Linux{Namespaces: tt.ns}})
			if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
				t.Errorf("CheckHost = %v, want %q", err, tt.want)
			}
		})
	}
}
