package spec

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func writeConfig(t *testing.T, content string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, ConfigName), []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name    string
		content string
		want    string
	}{
		{"wrong scalar type", `{"process": {"user": {"uid": "abc"}}}`,
			`config.json process.user.uid: cannot use string "abc" as uint32`},
		{"index in path", `{"mounts": [{}, {}, {"destination": 5}]}`,
			`config.json mounts[2].destination: cannot use number 5 as string`},
		{"nested indices", `{"linux": {"namespaces": [{"type": "pid"}, {"type": ["x"]}]}}`,
			`config.json linux.namespaces[1].type: cannot use array as string`},
		{"string for array", `{"process": {"args": "sh"}}`,
			`config.json process.args: cannot use string "sh" as array of string`},
		{"object in array", `{"process": {"env": ["A=1", {"x": 1}]}}`,
			`config.json process.env[1]: cannot use object as string`},
		{"negative unsigned", `{"process": {"rlimits": [{"type": "RLIMIT_NOFILE", "hard": -1}]}}`,
			`config.json process.rlimits[0].hard: cannot use number -1 as uint64`},
		{"bool for number", `{"linux": {"uidMappings": [{"size": 1}, {"size": true}]}}`,
			`config.json linux.uidMappings[1].size: cannot use bool true as uint32`},
		{"map key with dots", `{"annotations": {"org.example.key": 5}}`,
			`config.json annotations["org.example.key"]: cannot use number 5 as string`},
		{"keys as written", `{"Process": {"User": {"uid": "abc"}}}`,
			`config.json Process.User.uid: cannot use string "abc" as uint32`},
		{"after earlier arrays", `{"mounts": [{"options": ["a", "b"]}], "hooks": {"poststop": [{"path": "/x"}, {"path": "/y", "timeout": "1"}]}}`,
			`config.json hooks.poststop[1].timeout: cannot use string "1" as int`},
		{"top level array", `[1]`,
			`config.json: cannot use array as object`},
		{"syntax error line and column", "{\n  \"a\": 1,\n  }",
			`config.json: invalid JSON at line 3, column 3: invalid character '}' looking for beginning of object key string`},
		{"syntax error after multibyte", "{\"hostname\": \"é\" x}",
			`config.json: invalid JSON at line 1, column 18: invalid character 'x' after object key:value pair`},
		{"empty file", ``,
			`config.json: invalid JSON at line 1, column 1: unexpected end of JSON input`},
		{"truncated", "{\n\"ociVersion\": \"1.0.0\"",
			`config.json: invalid JSON at line 2, column 22: unexpected end of JSON input`},
		{"trailing garbage", `{"ociVersion": "1"} x`,
			`config.json: invalid JSON at line 1, column 21: invalid character 'x' after top-level value`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(writeConfig(t, tt.content))
			if err == nil || err.Error() != tt.want {
				t.Errorf("got  %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestLoadFieldErrorIsTyped(t *testing.T) {
	_, err := Load(writeConfig(t, `{"mounts": [{}, {"source": 1}]}`))
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Path != "mounts[1].source" {
		t.Errorf("got %v, want a *FieldError for mounts[1].source", err)
	}
}

func TestLoadBundleErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	tests := []struct {
		name     string
		bundle   string
		want     string
		notExist bool
	}{
		{"missing bundle", "/nonexistent/b", `bundle "/nonexistent/b": no such file or directory`, true},
		{"bundle is a file", file, `bundle "` + file + `": not a directory`, false},
		{"missing config", empty, "config.json: open " + empty + "/config.json: no such file or directory", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.bundle)
			if err == nil || err.Error() != tt.want {
				t.Errorf("got  %v\nwant %s", err, tt.want)
			}
			if errors.Is(err, fs.ErrNotExist) != tt.notExist {
				t.Errorf("errors.Is(err, fs.ErrNotExist) = %v, want %v", !tt.notExist, tt.notExist)
			}
		})
	}
}

func TestLoadIgnoresUnknownFields(t *testing.T) {
	s, err := Load(writeConfig(t, `{"ociVersion": "1.0.0", "someFutureField": {"x": [1]}, "hostname": "h"}`))
	if err != nil {
		t.Fatal(err)
	}
	if s.Version != "1.0.0" || s.Hostname != "h" {
		t.Errorf("got version %q hostname %q", s.Version, s.Hostname)
	}
}

func TestLineColumn(t *testing.T) {
	data := []byte("ab\ncdé\nf")
	tests := []struct {
		at        int
		line, col int
	}{
		{0, 1, 1},
		{1, 1, 2},
		{2, 1, 3}, // the newline itself ends line 1
		{3, 2, 1},
		{7, 2, 4}, // é is two bytes but one column
		{8, 3, 1},
		{9, 3, 2}, // the end
	}
	for _, tt := range tests {
		line, col := lineColumn(data, tt.at)
		if line != tt.line || col != tt.col {
			t.Errorf("index %d: got %d:%d, want %d:%d", tt.at, line, col, tt.line, tt.col)
		}
	}
}

func TestMemberPath(t *testing.T) {
	tests := []struct{ path, key, want string }{
		{"", "process", "process"},
		{"process", "user", "process.user"},
		{"linux.sysctl", "net.ipv4.ip_forward", `linux.sysctl["net.ipv4.ip_forward"]`},
		{"annotations", "", `annotations[""]`},
		{"a", "x1_", "a.x1_"},
		{"a", "1x", `a["1x"]`},
	}
	for _, tt := range tests {
		if got := member(tt.path, tt.key); got != tt.want {
			t.Errorf("member(%q, %q) = %q, want %q", tt.path, tt.key, got, tt.want)
		}
	}
}

func TestRootfsPath(t *testing.T) {
	cwd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name   string
		root   *specs.Root
		bundle string
		want   string
	}{
		{"relative", &specs.Root{Path: "rootfs"}, "/b", "/b/rootfs"},
		{"absolute", &specs.Root{Path: "/srv/r/"}, "/b", "/srv/r"},
		{"relative bundle", &specs.Root{Path: "rootfs"}, "b", filepath.Join(cwd, "b/rootfs")},
		{"dot dot", &specs.Root{Path: "../r"}, "/b/c", "/b/r"},
		{"no root", nil, "/b", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RootfsPath(&specs.Spec{Root: tt.root}, tt.bundle); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
