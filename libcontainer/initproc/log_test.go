package initproc

import (
	"bufio"
	"log/slog"
	"os"
	"strconv"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/berth-runtime/berth/libcontainer/protocol"
)

func TestInitLog(t *testing.T) {
	tests := []struct {
		name  string
		level string
		log   func()
		want  []protocol.Record // durations and peak RSS are checked apart
		rss   bool              // phases carry the peak RSS
	}{
		{"debug phases with RSS", "debug", func() { watchRSS(true); logPhase("mounts", "mounts done") },
			[]protocol.Record{{Level: "debug", Msg: "mounts done", Src: "init", Phase: "mounts"}}, true},
		{"no RSS from a joined mount namespace", "debug", func() { watchRSS(false); logPhase("mounts", "mounts done") },
			[]protocol.Record{{Level: "debug", Msg: "mounts done", Src: "init", Phase: "mounts"}}, false},
		{"debug phases", "debug", func() { logPhase("mounts", "mounts done"); logPhase("exec", "exec /bin/true") },
			[]protocol.Record{{Level: "debug", Msg: "mounts done", Src: "init", Phase: "mounts"}, {Level: "debug", Msg: "exec /bin/true", Src: "init", Phase: "exec"}}, false},
		{"warn drops phases", "warn", func() { logPhase("mounts", "mounts done") }, nil, false},
		{"last words at warn", "warn", func() { logPhase("mounts", "mounts done"); logError("rootfs: boom") },
			[]protocol.Record{{Level: "error", Msg: "rootfs: boom", Src: "init"}}, false},
		{"bad level logs nothing", "verbose", func() { logPhase("mounts", "mounts done"); logError("boom") }, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, w, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			fd, err := unix.Dup(int(w.Fd())) // init's own fd, as the host passes it
			w.Close()
			if err != nil {
				t.Fatal(err)
			}
			t.Setenv(protocol.EnvLogFd, strconv.Itoa(fd))
			t.Setenv(protocol.EnvLogLevel, tt.level)
			openLog()
			defer func() { initLog = streamLog{level: levelOff} }()
			time.Sleep(time.Millisecond) // so that the first phase has a duration to show
			tt.log()
			if initLog.w != nil {
				initLog.w.Close()
			}
			var got []protocol.Record
			sc := bufio.NewScanner(r)
			for sc.Scan() {
				rec, _, err := protocol.DecodeRecord(sc.Bytes())
				if err != nil {
					t.Fatal(err)
				}
				if (rec.Phase != "") != (rec.Duration > 0) {
					t.Errorf("record %+v: a phase needs a duration, nothing else has one", rec)
				}
				if (rec.MaxRSS > 0) != (tt.rss && rec.Phase != "") {
					t.Errorf("record %+v: peak RSS %d, want one: %v", rec, rec.MaxRSS, tt.rss)
				}
				rec.Duration, rec.MaxRSS = 0, 0
				got = append(got, *rec)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("records %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("record %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
			if os.Getenv(protocol.EnvLogFd) != "" || os.Getenv(protocol.EnvLogLevel) != "" {
				t.Errorf("the variables stay for the program to see")
			}
		})
	}
}

// TestInitLogOffIsFree: with the level above debug, a phase costs no allocation (and no system
// call, which would allocate through os.File).
func TestInitLogOffIsFree(t *testing.T) {
	initLog = streamLog{level: slog.LevelWarn}
	defer func() { initLog = streamLog{level: levelOff} }()
	if n := testing.AllocsPerRun(100, func() { logPhase("mounts", "mounts done") }); n != 0 {
		t.Errorf("%v allocations per phase with debug off", n)
	}
}
