package netdev

import "testing"

func TestRelabel(t *testing.T) {
	tests := []struct {
		label, oldName, newName, want string
	}{
		{"eth9", "eth9", "ctr0", "ctr0"},
		{"eth9:web", "eth9", "ctr0", "ctr0:web"},
		{"", "eth9", "ctr0", ""},
		{"other", "eth9", "ctr0", ""}, // a label the kernel would refuse on the new name
		{"eth9", "eth9", "eth9", "eth9"},
	}
	for _, tt := range tests {
		t.Run(tt.label+"->"+tt.newName, func(t *testing.T) {
			if got := relabel(tt.label, tt.oldName, tt.newName); got != tt.want {
				t.Errorf("relabel(%q, %q, %q) = %q, want %q", tt.label, tt.oldName, tt.newName, got, tt.want)
			}
		})
	}
}
