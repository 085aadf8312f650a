package container

import (
	"bytes"
	"errors"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/berth-runtime/berth/libcontainer/protocol"
)

// captureLogger logs text lines without the time into buf.
func captureLogger(buf *bytes.Buffer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(buf, &slog.HandlerOptions{Level: level,
		ReplaceAttr: func(_ []string, a slog.Attr) slog.Attr {
			if a.Key == slog.TimeKey {
				return slog.Attr{}
			}
			return a
		}}))
}

func TestRelayFeed(t *testing.T) {
	debugMounts := `{"level":"debug","msg":"mounts done","src":"init","phase":"mounts","duration":1500000}`
	tests := []struct {
		name      string
		level     slog.Level
		chunks    []string
		want      []string // logged lines
		lastWords string
	}{
		{
			name:   "one record",
			level:  slog.LevelDebug,
			chunks: []string{debugMounts + "\n"},
			want:   []string{`level=DEBUG msg="mounts done" id=c1 src=init phase=mounts duration=1.5ms`},
		},
		{
			name:   "split across reads",
			level:  slog.LevelDebug,
			chunks: []string{debugMounts[:10], debugMounts[10:] + "\n" + `{"level":"info","msg":"b"}` + "\n"},
			want:   []string{`level=DEBUG msg="mounts done" id=c1 src=init phase=mounts duration=1.5ms`, `level=INFO msg=b id=c1`},
		},
		{
			name:   "below the host's level",
			level:  slog.LevelInfo,
			chunks: []string{debugMounts + "\n" + `{"level":"info","msg":"i","src":"nsenter"}` + "\n"},
			want:   []string{`level=INFO msg=i id=c1 src=nsenter`},
		},
		{
			name:      "warnings are held too",
			level:     slog.LevelWarn,
			chunks:    []string{`{"level":"warn","msg":"w","src":"nsenter"}` + "\n"},
			lastWords: "w",
		},
		{
			name:   "unreadable",
			level:  slog.LevelDebug,
			chunks: []string{"garbage\n\n"},
			want:   []string{`level=WARN msg="init log: unreadable record" id=c1 error=`},
		},
		{
			name:      "errors are held for the error message",
			level:     slog.LevelDebug,
			chunks:    []string{`{"level":"error","msg":"e1"}` + "\n" + `{"level":"error","msg":"e2"}` + "\n"},
			lastWords: "e1; e2",
		},
		{
			name:  "last words keep the latest",
			level: slog.LevelDebug,
			chunks: []string{`{"level":"error","msg":"e1"}` + "\n" + `{"level":"error","msg":"e2"}` + "\n" +
				`{"level":"error","msg":"e3"}` + "\n" + `{"level":"error","msg":"e4"}` + "\n"},
			lastWords: "e2; e3; e4",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			r := &initLogRelay{log: captureLogger(&buf, tt.level), id: "c1"}
			for _, c := range tt.chunks {
				r.feed([]byte(c))
			}
			got := strings.Split(strings.TrimSpace(buf.String()), "\n")
			if buf.Len() == 0 {
				got = nil
			}
			if len(got) != len(tt.want) {
				t.Fatalf("logged %q, want %q", got, tt.want)
			}
			for i := range got {
				if !strings.HasPrefix(got[i], tt.want[i]) {
					t.Errorf("line %d = %q, want %q", i, got[i], tt.want[i])
				}
			}
			if w := r.lastWords(""); w != tt.lastWords {
				t.Errorf("last words %q, want %q", w, tt.lastWords)
			}
		})
	}
}

func TestRelayExplain(t *testing.T) {
	tests := []struct {
		name    string
		records []string
		err     error
		want    string
	}{
		{"no records", nil, errors.New("container init exited without saying why"), "container init exited without saying why"},
		{"last words added", []string{"init: internal error: boom"}, errors.New("container init exited without saying why"),
			"container init exited without saying why (init said: init: internal error: boom)"},
		{"already said", []string{"nsenter: setns net (fd 7): invalid argument"}, protocol.RemoteError("nsenter: setns net (fd 7): invalid argument"),
			"nsenter: setns net (fd 7): invalid argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			child, r, buf := debugRelay(t)
			for _, msg := range tt.records {
				child.Write(protocol.EncodeRecord(&protocol.Record{Level: "error", Msg: msg}))
			}
			// The writer stays open, as a created init's does: explain must not wait for EOF.
			got := r.explain(tt.err)
			if got.Error() != tt.want {
				t.Errorf("error %q, want %q", got, tt.want)
			}
			if !errors.Is(got, tt.err) {
				t.Errorf("%v does not wrap %v", got, tt.err)
			}
			r.finish() // nothing left, and stopping twice is fine
			if buf.Len() != 0 {
				t.Errorf("logged %q, want nothing (errors go into the error message)", buf.String())
			}
		})
	}
}

// TestRelayFlush: once init got through, what was held back is logged at its own level.
func TestRelayFlush(t *testing.T) {
	var buf bytes.Buffer
	r := &initLogRelay{log: captureLogger(&buf, slog.LevelWarn), id: "c1"}
	r.feed([]byte(`{"level":"warn","msg":"w","src":"init","phase":"mounts"}` + "\n" + `{"level":"error","msg":"e"}` + "\n"))
	if buf.Len() != 0 {
		t.Fatalf("logged before flush: %q", buf.String())
	}
	r.flush()
	want := "level=WARN msg=w id=c1 src=init phase=mounts\nlevel=ERROR msg=e id=c1\n"
	if buf.String() != want {
		t.Errorf("flushed %q, want %q", buf.String(), want)
	}
	if w := r.lastWords(""); w != "" {
		t.Errorf("still held after flush: %q", w)
	}
}

// TestRelayStopKeepsWhatWasWritten: records written before stop are relayed even when the
// reader had not got to them; stop does not wait for the writer to close.
func TestRelayStopKeepsWhatWasWritten(t *testing.T) {
	child, r, buf := debugRelay(t)
	const n = 200
	for i := 0; i < n; i++ {
		child.Write(protocol.EncodeRecord(&protocol.Record{Level: "debug", Msg: "m", Phase: "p"}))
	}
	child.Write([]byte(`{"level":"info","msg":"no newline"}`))
	r.stop()
	if got := strings.Count(buf.String(), "msg=m "); got != n {
		t.Errorf("%d records relayed, want %d", got, n)
	}
	if !strings.Contains(buf.String(), `msg="no newline"`) {
		t.Errorf("the last, unterminated record was lost")
	}
	if _, err := child.Write([]byte("x\n")); err == nil {
		t.Errorf("writing after stop succeeded; init would never learn to stop logging")
	}
}

func TestLogStreamLevel(t *testing.T) {
	for _, tt := range []struct {
		level slog.Level
		want  string
	}{
		{slog.LevelDebug, "debug"}, {slog.LevelInfo, "info"}, {slog.LevelWarn, "warn"}, {slog.LevelError, "error"},
	} {
		var buf bytes.Buffer
		if got := logStreamLevel(captureLogger(&buf, tt.level)); got != tt.want {
			t.Errorf("logger at %v asks for %q, want %q", tt.level, got, tt.want)
		}
	}
}

// debugRelay starts a relay of a new log stream into a debug-level logger writing to buf; child
// is init's end (closed when the test ends).
func debugRelay(t *testing.T) (child *os.File, r *initLogRelay, buf *bytes.Buffer) {
	t.Helper()
	host, child, err := newLogStream()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { child.Close() })
	buf = &bytes.Buffer{}
	return child, startInitLogRelay(host, captureLogger(buf, slog.LevelDebug), "c1"), buf
}
