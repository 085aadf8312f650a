package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
)

// TestLogrusLevels: berth's JSON log lines carry the level names runc's logrus writes.
func TestLogrusLevels(t *testing.T) {
	tests := []struct {
		level slog.Level
		want  string
	}{
		{slog.LevelDebug, "debug"}, {slog.LevelInfo, "info"}, {slog.LevelWarn, "warning"},
		{slog.LevelError, "error"}, {slog.LevelError + 4, "error"}, {slog.LevelDebug - 4, "debug"},
	}
	for _, tt := range tests {
		var buf bytes.Buffer
		log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug - 4, ReplaceAttr: logrusLevel}))
		log.Log(context.Background(), tt.level, "m", "phase", "x")
		var line struct{ Level, Msg, Time string }
		if err := json.Unmarshal(buf.Bytes(), &line); err != nil {
			t.Fatal(err)
		}
		if line.Level != tt.want || line.Msg != "m" || line.Time == "" {
			t.Errorf("%v: logged %s, want level %q with msg and time", tt.level, buf.Bytes(), tt.want)
		}
	}
}
