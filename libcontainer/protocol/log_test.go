package protocol

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestRecordRoundTrip(t *testing.T) {
	tests := []struct {
		name string
		rec  Record
	}{
		{"phase", Record{Level: "debug", Msg: "mounts done", Src: "init", Phase: "mounts", Duration: 1234567}},
		{"bare", Record{Level: "error", Msg: "init: internal error: boom"}},
		{"quotes and newlines", Record{Level: "warn", Msg: "a \"quoted\"\nline\x01", Src: "init"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := EncodeRecord(&tt.rec)
			if bytes.Count(line, []byte("\n")) != 1 || line[len(line)-1] != '\n' {
				t.Fatalf("not one line: %q", line)
			}
			got, level, err := DecodeRecord(line[:len(line)-1])
			if err != nil {
				t.Fatal(err)
			}
			if *got != tt.rec {
				t.Errorf("got %+v, want %+v", *got, tt.rec)
			}
			if want, _ := ParseLevel(tt.rec.Level); level != want {
				t.Errorf("level %v, want %v", level, want)
			}
		})
	}
}

// TestDecodeRecord includes lines as nsenter's report.c writes them.
func TestDecodeRecord(t *testing.T) {
	tests := []struct {
		line      string
		wantLevel slog.Level
		wantMsg   string
		wantErr   string
	}{
		{`{"level":"debug","msg":"cgroup joined (9 hierarchies)","src":"nsenter","phase":"cgroup","duration":631856}`, slog.LevelDebug, "cgroup joined (9 hierarchies)", ""},
		{`{"level":"error","msg":"nsenter: setns net (fd 7): operation not permitted","src":"nsenter"}`, slog.LevelError, "nsenter: setns net (fd 7): operation not permitted", ""},
		{`{"level":"info","msg":"\u00ff"}`, slog.LevelInfo, "\u00ff", ""},
		{`{"level":"trace","msg":"x"}`, 0, "", `want debug, info, warn or error`},
		{`{"level":"DEBUG","msg":"x"}`, 0, "", `want debug, info, warn or error`},
		{`{"level":"debug"}`, 0, "", "without msg"},
		{`not json`, 0, "", "invalid character"},
		{`{"level":"debug","msg":"cut`, 0, "", "unexpected end"},
	}
	for _, tt := range tests {
		t.Run(tt.line, func(t *testing.T) {
			rec, level, err := DecodeRecord([]byte(tt.line))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if level != tt.wantLevel || rec.Msg != tt.wantMsg {
				t.Errorf("got %v %q, want %v %q", level, rec.Msg, tt.wantLevel, tt.wantMsg)
			}
		})
	}
}

func TestLevelName(t *testing.T) {
	tests := []struct {
		level slog.Level
		want  string
	}{
		{slog.LevelDebug - 4, "debug"},
		{slog.LevelDebug, "debug"},
		{slog.LevelInfo, "info"},
		{slog.LevelInfo + 2, "info"},
		{slog.LevelWarn, "warn"},
		{slog.LevelError, "error"},
		{slog.LevelError + 8, "error"},
	}
	for _, tt := range tests {
		if got := LevelName(tt.level); got != tt.want {
			t.Errorf("LevelName(%v) = %q, want %q", tt.level, got, tt.want)
		}
		back, err := ParseLevel(LevelName(tt.level))
		if err != nil || back > tt.level && tt.level >= slog.LevelDebug {
			t.Errorf("ParseLevel(LevelName(%v)) = %v, %v: would filter out what the host wants", tt.level, back, err)
		}
	}
}

func TestEncodeRecordBoundsLength(t *testing.T) {
	line := EncodeRecord(&Record{Level: "debug", Msg: strings.Repeat("x", 3*MaxRecord)})
	if len(line) > MaxRecord {
		t.Fatalf("line of %d bytes, want at most %d", len(line), MaxRecord)
	}
	if _, _, err := DecodeRecord(line[:len(line)-1]); err != nil {
		t.Fatal(err)
	}
}
