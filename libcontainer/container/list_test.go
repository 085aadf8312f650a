package container

import (
	"path/filepath"
	"strings"
	"testing"
)

func TestListMissingRoot(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "nothing")
	tests := []struct {
		name      string
		root      string
		rootGiven bool
		wantErr   string
	}{
		{"default root never made: no containers", missing, false, ""},
		{"--root that does not exist", missing, true, "--root " + missing + ": no such file or directory"},
		{"--root that exists and is empty", t.TempDir(), true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			states, _, err := List(tt.root, tt.rootGiven)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("List: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("List: error %v, want one containing %q", err, tt.wantErr)
			case len(states) != 0:
				t.Errorf("List: %d containers, want none", len(states))
			}
		})
	}
}
