package container

import (
	"slices"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func baseProcess() *specs.Process {
	return &specs.Process{
		Terminal: true,
		Args:     []string{"sh"},
		Env:      []string{"PATH=/bin", "A=1"},
		Cwd:      "/",
		User:     specs.User{UID: 0, GID: 0, AdditionalGids: []uint32{5}},
		Capabilities: &specs.LinuxCapabilities{
			Bounding: []string{"CAP_KILL"}, Effective: []string{"CAP_KILL"}, Permitted: []string{"CAP_KILL"},
		},
	}
}

func TestExecProcess(t *testing.T) {
	tests := []struct {
		name  string
		flags ExecFlags
		check func(t *testing.T, p *specs.Process)
	}{
		{"args replace, terminal only with --tty", ExecFlags{Args: []string{"ls", "-l"}}, func(t *testing.T, p *specs.Process) {
			if !slices.Equal(p.Args, []string{"ls", "-l"}) || p.Terminal {
				t.Fatalf("args %v terminal %v", p.Args, p.Terminal)
			}
		}},
		{"env appended", ExecFlags{Args: []string{"env"}, Env: []string{"A=2", "B=3"}}, func(t *testing.T, p *specs.Process) {
			if !slices.Equal(p.Env, []string{"PATH=/bin", "A=1", "A=2", "B=3"}) {
				t.Fatalf("env %v", p.Env)
			}
		}},
		{"user and gid", ExecFlags{Args: []string{"id"}, User: "1000:100", AdditionalGids: []int{7}}, func(t *testing.T, p *specs.Process) {
			if p.User.UID != 1000 || p.User.GID != 100 || !slices.Equal(p.User.AdditionalGids, []uint32{5, 7}) {
				t.Fatalf("user %+v", p.User)
			}
		}},
		{"user without gid keeps the gid", ExecFlags{Args: []string{"id"}, User: "1000"}, func(t *testing.T, p *specs.Process) {
			if p.User.UID != 1000 || p.User.GID != 0 {
				t.Fatalf("user %+v", p.User)
			}
		}},
		{"caps added to three sets", ExecFlags{Args: []string{"x"}, Caps: []string{"net_admin", "CAP_SYS_PTRACE"}}, func(t *testing.T, p *specs.Process) {
			for _, set := range [][]string{p.Capabilities.Bounding, p.Capabilities.Effective, p.Capabilities.Permitted} {
				if !slices.Contains(set, "CAP_NET_ADMIN") || !slices.Contains(set, "CAP_SYS_PTRACE") {
					t.Fatalf("caps %+v", p.Capabilities)
				}
			}
		}},
		{"cwd, nnp, labels", ExecFlags{Args: []string{"x"}, Cwd: "/tmp", NoNewPrivs: true, AppArmor: "prof", ProcessLabel: "lbl"}, func(t *testing.T, p *specs.Process) {
			if p.Cwd != "/tmp" || !p.NoNewPrivileges || p.ApparmorProfile != "prof" || p.SelinuxLabel != "lbl" {
				t.Fatalf("process %+v", p)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			base := baseProcess()
			p, err := ExecProcess(base, &tt.flags)
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, p)
			if !slices.Equal(base.Env, []string{"PATH=/bin", "A=1"}) || len(base.Capabilities.Bounding) != 1 || len(base.User.AdditionalGids) != 1 {
				t.Fatal("the container's own process was changed")
			}
		})
	}
}

func TestExecProcessErrors(t *testing.T) {
	tests := []struct {
		flags ExecFlags
		want  string
	}{
		{ExecFlags{}, "process.args: empty"},
		{ExecFlags{Args: []string{"x"}, User: "root"}, `--user "root"`},
		{ExecFlags{Args: []string{"x"}, User: "1:x"}, `--user "1:x"`},
		{ExecFlags{Args: []string{"x"}, AdditionalGids: []int{-1}}, `--additional-gids -1`},
		{ExecFlags{Args: []string{"x"}, User: "4294967295"}, `--user "4294967295": 4294967295 is out of range`},
		{ExecFlags{Args: []string{"x"}, User: "0:2147483648"}, `--user "0:2147483648": 2147483648 is out of range`},
		{ExecFlags{Args: []string{"x"}, AdditionalGids: []int{4294967295}}, `--additional-gids 4294967295`},
	}
	for _, tt := range tests {
		if _, err := ExecProcess(baseProcess(), &tt.flags); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%+v: err = %v, want %q", tt.flags, err, tt.want)
		}
	}
}
