package container

import (
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"testing"
)

func TestDirOwner(t *testing.T) {
	me, err := user.LookupId(strconv.Itoa(os.Geteuid()))
	if err != nil {
		t.Skipf("this uid has no name: %v", err)
	}
	dir := t.TempDir()
	unnamed := filepath.Join(dir, "unnamed")
	if err := os.Mkdir(unnamed, 0o700); err != nil {
		t.Fatal(err)
	}
	const noSuchUID = 2147483000
	if err := os.Chown(unnamed, noSuchUID, -1); err != nil {
		unnamed = "" // not root: cannot give it away
	}
	tests := []struct {
		name, path, want string
	}{
		{"own directory", dir, me.Username},
		{"missing", filepath.Join(dir, "nope"), ""},
		{"uid without a name", unnamed, "#" + strconv.Itoa(noSuchUID)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.path == "" {
				t.Skip("needs root to chown")
			}
			if got := dirOwner(tt.path); got != tt.want {
				t.Errorf("dirOwner(%q) = %q, want %q", tt.path, got, tt.want)
			}
		})
	}
}
