//go:build linux && cgo

package nsenter

import (
	"bufio"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/berth-runtime/berth/libcontainer/internal/testutil"
	"github.com/berth-runtime/berth/libcontainer/protocol"
)

// TestHeaderNamesMatchGo keeps nsenter.h's variable names those of the Go side, their owner.
func TestHeaderNamesMatchGo(t *testing.T) {
	h, err := os.ReadFile("nsenter.h")
	if err != nil {
		t.Fatal(err)
	}
	defined := map[string]string{}
	for _, m := range regexp.MustCompile(`(?m)^#define (ENV_\w+) "(\w+)"$`).FindAllStringSubmatch(string(h), -1) {
		defined[m[1]] = m[2]
	}
	for macro, want := range map[string]string{
		"ENV_ENABLE":         protocol.EnvNsenter,
		"ENV_SYNC_FD":        protocol.EnvSyncFd,
		"ENV_LOG_FD":         protocol.EnvLogFd,
		"ENV_LOG_LEVEL":      protocol.EnvLogLevel,
		"ENV_NS_FDS":         protocol.EnvNsFds,
		"ENV_UNSHARE":        protocol.EnvUnshare,
		"ENV_OFFSETS":        protocol.EnvTimeOffsets,
		"ENV_FORK":           protocol.EnvFork,
		"ENV_CGROUP_FDS":     protocol.EnvCgroupFds,
		"ENV_CGROUP_DIR_FD":  protocol.EnvCgroupDirFd,
		"ENV_CGROUP_SOCK_FD": protocol.EnvCgroupSock,
		"ENV_EXEC_PLAN_FD":   protocol.EnvExecPlanFd,
		"ENV_CONSOLE_FD":     protocol.EnvConsoleFd,
	} {
		if defined[macro] != want {
			t.Errorf("nsenter.h %s = %q, want %q", macro, defined[macro], want)
		}
		delete(defined, macro)
	}
	for macro, name := range defined {
		t.Errorf("nsenter.h defines %s %q, which package protocol does not name", macro, name)
	}
}

// TestLogRecords: the constructor's records are lines that protocol.DecodeRecord reads, one per
// phase, and only at the level asked for.
func TestLogRecords(t *testing.T) {
	testutil.RequireRoot(t)
	tests := []struct {
		name   string
		level  string // "" leaves _BERTH_LOG_LEVEL unset
		env    []string
		phases []string
	}{
		{"debug, cgroup and unshare", "debug", []string{"_BERTH_CGROUP_FDS=5", "_BERTH_UNSHARE=4000000"}, []string{"namespaces", "cgroup"}},
		{"debug, fork", "debug", []string{"_BERTH_UNSHARE=20000000", "_BERTH_FORK=1"}, []string{"namespaces", "fork"}},
		{"debug, nothing to do", "debug", nil, nil},
		{"warn", "warn", []string{"_BERTH_CGROUP_FDS=5", "_BERTH_UNSHARE=4000000"}, nil},
		{"no level means warn", "", []string{"_BERTH_CGROUP_FDS=5", "_BERTH_UNSHARE=4000000"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			logR, logW, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer logR.Close()
			cgR, cgW, err := os.Pipe() // stands for a cgroup tasks file: it takes the "0"
			if err != nil {
				t.Fatal(err)
			}
			defer cgR.Close()
			env := append([]string{"_BERTH_NSENTER=1", "_BERTH_LOG_FD=4"}, tt.env...)
			if tt.level != "" {
				env = append(env, "_BERTH_LOG_LEVEL="+tt.level)
			}
			o := run{env: env, files: []*os.File{logW, cgW}}.do(t)
			logW.Close()
			cgW.Close()
			r := o.mustSucceed(t)
			if r.Env[protocol.EnvLogFd] != "4" {
				t.Errorf("Go sees %s=%q, want it kept for init", protocol.EnvLogFd, r.Env[protocol.EnvLogFd])
			}
			var phases []string
			sc := bufio.NewScanner(logR)
			for sc.Scan() {
				rec, _, err := protocol.DecodeRecord(sc.Bytes())
				if err != nil {
					t.Fatalf("line %q: %v", sc.Text(), err)
				}
				if rec.Src != "nsenter" || rec.Level != "debug" || rec.Duration <= 0 {
					t.Errorf("record %+v: want src nsenter, level debug, a duration", rec)
				}
				phases = append(phases, rec.Phase)
			}
			if strings.Join(phases, " ") != strings.Join(tt.phases, " ") {
				t.Errorf("phases %q, want %q", phases, tt.phases)
			}
		})
	}
}

// TestDieWithoutSyncLogsError: when the error frame cannot be sent, the sentence still reaches
// the host as an error record: init's last words.
func TestDieWithoutSyncLogsError(t *testing.T) {
	logR, logW, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer logR.Close()
	readOnly, err := os.Open(os.Args[0]) // fd 5: a "sync fd" that takes no frame
	if err != nil {
		t.Fatal(err)
	}
	defer readOnly.Close()
	o := run{
		env:   []string{"_BERTH_NSENTER=1", "_BERTH_SYNC_FD=5", "_BERTH_LOG_FD=4", "_BERTH_FORK=yes"},
		files: []*os.File{logW, readOnly},
	}.do(t)
	logW.Close()
	want := "nsenter: _BERTH_FORK: want 1 or 0"
	if o.exitCode != 1 || !strings.Contains(o.stderr, want) {
		t.Fatalf("exit %d, stderr %q; want exit 1 and %q", o.exitCode, o.stderr, want)
	}
	sc := bufio.NewScanner(logR)
	if !sc.Scan() {
		t.Fatal("no log record")
	}
	rec, _, err := protocol.DecodeRecord(sc.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if rec.Level != "error" || rec.Msg != want || rec.Src != "nsenter" {
		t.Errorf("record %+v, want an error record from nsenter saying %q", rec, want)
	}
}
