package initproc

import "testing"

func TestSysctlPath(t *testing.T) {
	tests := []struct {
		key, want string
		ok        bool
	}{
		{"net.ipv4.ip_forward", "net/ipv4/ip_forward", true},
		{"net/ipv4/ip_default_ttl", "net/ipv4/ip_default_ttl", true},
		{"net/ipv4/conf/eth0.100/forwarding", "net/ipv4/conf/eth0.100/forwarding", true},
		{"kernel.shmmax", "kernel/shmmax", true},
		{"../../etc/passwd", "", false},
		{"net/../../x", "", false},
		{"/net/x", "", false},
		{"net..x", "", false},
		{"", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			got, ok := sysctlPath(tt.key)
			if ok != tt.ok || (ok && got != tt.want) {
				t.Fatalf("sysctlPath(%q) = %q, %v; want %q, %v", tt.key, got, ok, tt.want, tt.ok)
			}
		})
	}
}
