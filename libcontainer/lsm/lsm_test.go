package lsm

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

func TestAppArmorEnabledAt(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct {
		name, content string
		want          bool
	}{
		{name: "Y", content: "Y\n", want: true},
		{name: "N", content: "N\n", want: false},
		{name: "empty", content: "", want: false},
		{name: "missing", want: false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, tc.name)
			if tc.name != "missing" {
				if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			if got := appArmorEnabledAt(path); got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestCheckAppArmor(t *testing.T) {
	if AppArmorEnabled() {
		t.Skip("this host has AppArmor")
	}
	for _, tc := range []struct{ profile, err string }{
		{profile: ""},
		{profile: "x", err: `process.apparmorProfile "x": AppArmor is not enabled on this host`},
		{profile: "a\nchangeprofile b", err: "contains a NUL or newline"},
	} {
		t.Run(tc.profile, func(t *testing.T) {
			checkErr(t, CheckAppArmor(tc.profile), tc.err)
		})
	}
}

func TestApplyAppArmorWithoutAppArmor(t *testing.T) {
	if AppArmorEnabled() {
		t.Skip("this host has AppArmor")
	}
	checkErr(t, ApplyAppArmor(""), "")
	// Nothing on this host accepts "exec x": the error must still say which field it was.
	checkErr(t, ApplyAppArmor("x"), `process.apparmorProfile "x": `)
}

func TestCheckSELinux(t *testing.T) {
	if SELinuxEnabled() {
		t.Skip("this host has SELinux enabled")
	}
	for _, tc := range []struct {
		name string
		spec specs.Spec
		err  string
	}{
		{name: "no labels", spec: specs.Spec{Process: &specs.Process{}, Linux: &specs.Linux{}}},
		{name: "no process or linux", spec: specs.Spec{}},
		{name: "process label", spec: specs.Spec{Process: &specs.Process{SelinuxLabel: "system_u:system_r:container_t:s0"}},
			err: `process.selinuxLabel "system_u:system_r:container_t:s0": SELinux is not enabled on this host`},
		{name: "mount label", spec: specs.Spec{Linux: &specs.Linux{MountLabel: "system_u:object_r:container_file_t:s0"}},
			err: `linux.mountLabel "system_u:object_r:container_file_t:s0": SELinux is not enabled on this host`},
		{name: "apparmor through Check", spec: specs.Spec{Process: &specs.Process{ApparmorProfile: "p"}}, err: "process.apparmorProfile"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, Check(&tc.spec), tc.err)
		})
	}
}

func TestSELinuxNoOpsWhenDisabled(t *testing.T) {
	if SELinuxEnabled() {
		t.Skip("this host has SELinux enabled")
	}
	if got := FormatMountLabel("mode=755", "system_u:object_r:container_file_t:s0"); got != "mode=755" {
		t.Fatalf("FormatMountLabel added to the options: %q", got)
	}
	checkErr(t, SetExecLabel(""), "")
	checkErr(t, SetKeyLabel("system_u:system_r:container_t:s0"), "")
}

func checkErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != "" && (err == nil || !strings.Contains(err.Error(), want)):
		t.Fatalf("error %v, want one containing %q", err, want)
	}
}

func TestCheckLoaded(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "profiles")
	content := "docker-default (enforce)\n" +
		"/usr/bin/man (complain)\n" +
		"with space (enforce)\n" +
		"parent//child (enforce)\n"
	if err := os.WriteFile(list, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, profile, list, err string }{
		{name: "loaded", profile: "docker-default", list: list},
		{name: "path name", profile: "/usr/bin/man", list: list},
		{name: "name with a space", profile: "with space", list: list},
		{name: "child profile", profile: "parent//child", list: list},
		{name: "missing", profile: "nosuch", list: list, err: `process.apparmorProfile "nosuch": the profile is not loaded`},
		{name: "prefix of a name", profile: "docker", list: list, err: "not loaded"},
		{name: "name with the mode", profile: "docker-default (enforce)", list: list, err: "not loaded"},
		{name: "unconfined is never listed", profile: "unconfined", list: list},
		{name: "other namespace: the kernel decides", profile: ":ns:nosuch", list: list},
		{name: "stack: the kernel decides", profile: "nosuch//&other", list: list},
		{name: "unreadable list: the kernel decides", profile: "nosuch", list: filepath.Join(dir, "absent")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkErr(t, checkLoaded(tc.profile, tc.list), tc.err)
		})
	}
}

func TestExplainApplyError(t *testing.T) {
	writeENOENT := &os.PathError{Op: "write", Path: "/proc/thread-self/attr/apparmor/exec", Err: unix.ENOENT}
	openENOENT := &os.PathError{Op: "open", Path: "/proc/thread-self/attr/exec", Err: unix.ENOENT}
	writeEACCES := &os.PathError{Op: "write", Path: "/proc/thread-self/attr/apparmor/exec", Err: unix.EACCES}
	for _, tc := range []struct {
		name string
		in   error
		err  string
	}{
		{name: "no error", in: nil},
		{name: "write ENOENT: no such profile", in: writeENOENT, err: `process.apparmorProfile "p": the profile is not loaded (load it with apparmor_parser first): write `},
		{name: "open ENOENT: no attr file", in: openENOENT, err: `process.apparmorProfile "p": open /proc/thread-self/attr/exec: no such file`},
		{name: "other write error", in: writeEACCES, err: `process.apparmorProfile "p": write /proc/thread-self/attr/apparmor/exec: permission denied`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := explainApplyError("p", tc.in)
			checkErr(t, err, tc.err)
			if tc.in != nil && !errors.Is(err, tc.in.(*os.PathError).Err) {
				t.Fatalf("error %v does not wrap %v", err, tc.in)
			}
			if tc.in != nil && !strings.Contains(tc.err, "not loaded") && strings.Contains(err.Error(), "not loaded") {
				t.Fatalf("error %v blames the profile", err)
			}
		})
	}
}

func TestIsWriteError(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"write", &os.PathError{Op: "write", Path: "x", Err: unix.ENOENT}, true},
		{"wrapped write", fmt.Errorf("ctx: %w", &os.PathError{Op: "write", Path: "x", Err: unix.ENOENT}), true},
		{"open", &os.PathError{Op: "open", Path: "x", Err: unix.ENOENT}, false},
		{"plain", unix.ENOENT, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := isWriteError(tc.err); got != tc.want {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}
