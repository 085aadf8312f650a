package main

import (
	"strings"
	"testing"
)

func TestCheckRootless(t *testing.T) {
	tests := []struct {
		value   string
		wantErr string
	}{
		{"", ""},
		{"auto", ""},
		{"false", ""},
		{"0", ""},
		{"true", "rootless mode is not supported"},
		{"1", "rootless mode is not supported"},
		{"maybe", `--rootless "maybe": must be true, false or auto`},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			err := checkRootless(tt.value)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("checkRootless(%q) = %v, want nil", tt.value, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Errorf("checkRootless(%q) = %v, want an error containing %q", tt.value, err, tt.wantErr)
			}
		})
	}
}
