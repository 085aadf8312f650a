package spec

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadProcess(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, json, wantErr string
	}{
		{"good", `{"args":["sh"],"cwd":"/","user":{"uid":1}}`, ""},
		{"wrong type", `{"args":["sh"],"user":{"uid":"abc"}}`, "process.json user.uid"},
		{"bad json", `{"args":`, "invalid JSON"},
		{"no args", `{"cwd":"/"}`, "args: must not be empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "process.json")
			os.WriteFile(path, []byte(tt.json), 0o644)
			p, err := LoadProcess(path)
			if tt.wantErr == "" {
				if err != nil || p.Args[0] != "sh" {
					t.Fatalf("got %+v, %v", p, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.wantErr)
			}
		})
	}
	if _, err := LoadProcess(filepath.Join(dir, "missing.json")); err == nil {
		t.Fatal("missing file accepted")
	}
}
