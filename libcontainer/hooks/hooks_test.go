package hooks

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// script writes an executable shell script into dir and returns its path.
func script(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func intPtr(i int) *int { return &i }

func testState() *specs.State {
	return &specs.State{Version: specs.Version, ID: "c1", Status: specs.StateCreating, Pid: 42, Bundle: "/b"}
}

func TestRun(t *testing.T) {
	if _, err := os.Stat("/bin/busybox"); err != nil {
		t.Skip("needs /bin/busybox (busybox-static)")
	}
	t.Setenv("HOOKTEST_LEAK", "1")
	dir := t.TempDir()
	out := filepath.Join(dir, "out")
	tests := []struct {
		name    string
		hooks   func() []specs.Hook
		wantErr string // substring; empty means success
		check   func(t *testing.T)
		maxTime time.Duration
	}{
		{
			name: "state on stdin",
			hooks: func() []specs.Hook {
				return []specs.Hook{{Path: script(t, dir, "stdin.sh", "cat > "+out)}}
			},
			check: func(t *testing.T) {
				var got specs.State
				b, _ := os.ReadFile(out)
				if err := json.Unmarshal(b, &got); err != nil {
					t.Fatalf("stdin %q is not state JSON: %v", b, err)
				}
				if got.ID != "c1" || got.Pid != 42 || got.Status != specs.StateCreating || got.Bundle != "/b" {
					t.Errorf("state = %+v", got)
				}
			},
		},
		{
			name: "args and env passed",
			hooks: func() []specs.Hook {
				// busybox picks its applet from argv[0]: "sh" proves args[0] reached it
				// (a shell script's $0 would be the path whatever argv[0] was).
				return []specs.Hook{{
					Path: "/bin/busybox",
					Args: []string{"sh", "-c", `{ echo "$1|$2|$FOO"; env; } > ` + out, "x", "a", "b c"},
					Env:  []string{"FOO=bar"},
				}}
			},
			check: func(t *testing.T) {
				b, _ := os.ReadFile(out)
				lines := strings.Split(string(b), "\n")
				if lines[0] != "a|b c|bar" {
					t.Errorf("hook saw args/env %q, want %q", lines[0], "a|b c|bar")
				}
				if strings.Contains(string(b), "HOOKTEST_LEAK") {
					t.Errorf("hook inherited the caller's environment: %q", b)
				}
			},
		},
		{
			name: "failure names kind index path and stderr",
			hooks: func() []specs.Hook {
				return []specs.Hook{
					{Path: script(t, dir, "ok.sh", "exit 0")},
					{Path: script(t, dir, "fail.sh", "echo noise; echo first >&2; echo 'it broke' >&2; exit 2")},
					{Path: script(t, dir, "never.sh", "touch "+out+".never")},
				}
			},
			wantErr: `hooks.createRuntime[1] "` + filepath.Join(dir, "fail.sh") + `": exit status 2: first; it broke`,
			check: func(t *testing.T) {
				if _, err := os.Stat(out + ".never"); err == nil {
					t.Error("hook after the failing one ran")
				}
			},
		},
		{
			name: "failure without stderr quotes stdout",
			hooks: func() []specs.Hook {
				return []specs.Hook{{Path: script(t, dir, "stdout.sh", "echo only-stdout; exit 3")}}
			},
			wantErr: "exit status 3: only-stdout",
		},
		{
			name: "relative path refused",
			hooks: func() []specs.Hook {
				return []specs.Hook{{Path: "bin/true"}}
			},
			wantErr: `hooks.createRuntime[0] "bin/true": path must be absolute`,
		},
		{
			name: "missing binary",
			hooks: func() []specs.Hook {
				return []specs.Hook{{Path: filepath.Join(dir, "nope")}}
			},
			wantErr: "no such file or directory",
		},
		{
			name: "timeout kills the hook",
			hooks: func() []specs.Hook {
				body := "sleep 30 & echo $! > " + out + "\nwait"
				return []specs.Hook{{Path: script(t, dir, "sleep.sh", body), Timeout: intPtr(1)}}
			},
			wantErr: "timed out after 1s",
			maxTime: 3 * time.Second,
			check:   recordedPidDead(out),
		},
		{
			name: "timeout kills a child holding the pipes",
			hooks: func() []specs.Hook {
				// The grandchild leaves the hook's process group, so only the
				// pipe grace period can free Run from it.
				body := "setsid sleep 30 & echo $! > " + out + "\nsleep 30"
				return []specs.Hook{{Path: script(t, dir, "spawn.sh", body), Timeout: intPtr(1)}}
			},
			wantErr: "timed out after 1s",
			maxTime: 3 * time.Second,
			check:   killRecordedPid(out),
		},
		{
			name: "exited hook leaving a daemon on its pipes succeeds",
			hooks: func() []specs.Hook {
				body := "sleep 30 & echo $! > " + out + "\nexit 0"
				return []specs.Hook{{Path: script(t, dir, "daemon.sh", body)}}
			},
			maxTime: 2 * time.Second,
			check:   killRecordedPid(out),
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			os.Remove(out)
			start := time.Now()
			err := Run(CreateRuntime, tt.hooks(), testState())
			took := time.Since(start)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("Run: %v", err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("Run error = %v, want it to contain %q", err, tt.wantErr)
			}
			if tt.maxTime > 0 && took > tt.maxTime {
				t.Errorf("Run took %v, want at most %v", took, tt.maxTime)
			}
			if tt.check != nil {
				tt.check(t)
			}
		})
	}
}

// killRecordedPid cleans up the background process whose pid a hook wrote to file.
func killRecordedPid(file string) func(t *testing.T) {
	return func(t *testing.T) {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("hook did not record its child: %v", err)
		}
		var pid int
		if _, err := fmt.Sscan(strings.TrimSpace(string(b)), &pid); err == nil && pid > 0 {
			if p, err := os.FindProcess(pid); err == nil {
				p.Kill()
			}
		}
	}
}

// recordedPidDead checks that the process whose pid a hook wrote to file was killed with the
// hook's process group. A zombie counts as dead: this machine's PID 1 never reaps orphans.
func recordedPidDead(file string) func(t *testing.T) {
	return func(t *testing.T) {
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("hook did not record its child: %v", err)
		}
		pid := strings.TrimSpace(string(b))
		// SIGKILL is sent before Run returns, but the child may take a moment to die.
		var state string
		for deadline := time.Now().Add(time.Second); time.Now().Before(deadline); {
			stat, err := os.ReadFile("/proc/" + pid + "/stat")
			if err != nil {
				return
			}
			state = strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+1:]))[0]
			if state == "Z" || state == "X" {
				return
			}
			time.Sleep(10 * time.Millisecond)
		}
		t.Errorf("hook's child %s still running (state %s)", pid, state)
	}
}

func TestRunAllContinuesAfterFailures(t *testing.T) {
	dir := t.TempDir()
	ran := filepath.Join(dir, "ran")
	hs := []specs.Hook{
		{Path: script(t, dir, "f1.sh", "echo one >> "+ran+"; echo bad1 >&2; exit 1")},
		{Path: script(t, dir, "ok.sh", "echo two >> "+ran)},
		{Path: script(t, dir, "f3.sh", "echo three >> "+ran+"; exit 7")},
	}
	var warnings []error
	RunAll(Poststop, hs, testState(), func(err error) { warnings = append(warnings, err) })

	b, _ := os.ReadFile(ran)
	if got := strings.Fields(string(b)); strings.Join(got, ",") != "one,two,three" {
		t.Errorf("hooks ran: %q, want one,two,three", got)
	}
	want := []string{`hooks.poststop[0] "` + hs[0].Path + `": exit status 1: bad1`, `hooks.poststop[2] "` + hs[2].Path + `": exit status 7`}
	if len(warnings) != len(want) {
		t.Fatalf("warnings = %v, want %d", warnings, len(want))
	}
	for i, w := range want {
		if warnings[i].Error() != w {
			t.Errorf("warning %d = %q, want %q", i, warnings[i], w)
		}
	}
}

func TestRunNoHooks(t *testing.T) {
	if err := Run(Prestart, nil, testState()); err != nil {
		t.Fatal(err)
	}
}

func TestHookArgs(t *testing.T) {
	tests := []struct {
		name string
		hook specs.Hook
		want []string
	}{
		{"no args", specs.Hook{Path: "/bin/x"}, []string{"/bin/x"}},
		{"empty args", specs.Hook{Path: "/bin/x", Args: []string{}}, []string{"/bin/x"}},
		{"args as argv", specs.Hook{Path: "/bin/x", Args: []string{"x", "-v"}}, []string{"x", "-v"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := hookArgs(&tt.hook); strings.Join(got, "\x00") != strings.Join(tt.want, "\x00") {
				t.Errorf("hookArgs = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestInheritedEnvDropsBerthVariables(t *testing.T) {
	t.Setenv("_BERTH_SYNC_FD", "5")
	t.Setenv("HOOKTEST_KEEP", "1")
	env := strings.Join(hookEnv(&specs.Hook{Path: "/x"}), "\n")
	if strings.Contains(env, "_BERTH_SYNC_FD") || !strings.Contains(env, "HOOKTEST_KEEP=1") {
		t.Errorf("inherited env = %q", env)
	}
	if got := hookEnv(&specs.Hook{Path: "/x", Env: []string{}}); len(got) != 0 {
		t.Errorf("explicit empty env became %q", got)
	}
}

func TestTailBufferAndLastLines(t *testing.T) {
	var tb tailBuffer
	tb.Write([]byte(strings.Repeat("x", tailKeep)))
	tb.Write([]byte("\nl1\nl2\n\nl3\nl4\n"))
	if len(tb.Bytes()) != tailKeep {
		t.Errorf("kept %d bytes, want %d", len(tb.Bytes()), tailKeep)
	}
	tests := []struct {
		name string
		outs [][]byte
		want string
	}{
		{"last three lines", [][]byte{tb.Bytes()}, "l2; l3; l4"},
		{"stderr before stdout", [][]byte{[]byte("err\n"), []byte("out\n")}, "err"},
		{"empty stderr falls back", [][]byte{[]byte(" \n"), []byte("out\n")}, "out"},
		{"nothing", [][]byte{nil, nil}, ""},
		{"long line cut", [][]byte{[]byte(strings.Repeat("y", 2*maxMessage))}, "..." + strings.Repeat("y", maxMessage)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lastLines(tt.outs...); got != tt.want {
				t.Errorf("lastLines = %q, want %q", got, tt.want)
			}
		})
	}
}
