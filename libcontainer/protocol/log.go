package protocol

// The log stream: how init and the nsenter C part tell the host what they are doing.
//
// The host hands init one more fd, the write end of a socketpair, named by _BERTH_LOG_FD, and
// the lowest level it wants in _BERTH_LOG_LEVEL (debug, info, warn or error: the level of
// berth's own logger, warn unless --debug). Both the C constructor and init's Go code write
// records to it, one JSON object per line, each line in a single write:
//
//	{"level":"debug","msg":"cgroup joined","src":"nsenter","phase":"cgroup","duration":81234}
//
// level and msg are always there; src says who wrote it ("nsenter" or "init"), phase names the
// step and duration is how long it took, in nanoseconds. A record below the level is never
// built, so logging costs a comparison when it is off. The host relays each record into its
// own logger (slog) with the container's id; the fd is close-on-exec in init, so the stream
// ends when init becomes the user's program. Error records are init's last words when the sync
// socket can no longer carry an error frame: the host adds them to the error it prints.
//
// Unlike the sync socket this stream is one-way and never waited on: a host that stopped
// reading (create has returned) makes init's writes fail, and init then stops logging. `berth
// start`, when it logs below warn, passes init a fresh stream with its start message.

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
)

// Record is one line of the log stream.
type Record struct {
	Level    string `json:"level"`
	Msg      string `json:"msg"`
	Src      string `json:"src,omitempty"`
	Phase    string `json:"phase,omitempty"`
	Duration int64  `json:"duration,omitempty"` // nanoseconds
	MaxRSS   int64  `json:"maxrss,omitempty"`   // the process's peak RSS when the phase ended, KiB
}

// MaxRecord bounds a line; longer ones are cut by the reader and reported as unreadable.
const MaxRecord = 4096

// levelNames are the stream's level names, lowest first; nsenter's report.c has the same.
var levelNames = []struct {
	name  string
	level slog.Level
}{
	{"debug", slog.LevelDebug}, {"info", slog.LevelInfo}, {"warn", slog.LevelWarn}, {"error", slog.LevelError},
}

// ParseLevel returns the slog level of a stream level name.
func ParseLevel(name string) (slog.Level, error) {
	for _, l := range levelNames {
		if l.name == name {
			return l.level, nil
		}
	}
	return 0, fmt.Errorf("log level %q: want debug, info, warn or error", name)
}

// LevelName is the stream name of the highest stream level not above l: what a logger that
// lets l through must ask init for.
func LevelName(l slog.Level) string {
	name := levelNames[0].name
	for _, n := range levelNames {
		if n.level <= l {
			name = n.name
		}
	}
	return name
}

// EncodeRecord returns r as one line of the stream, newline included.
func EncodeRecord(r *Record) []byte {
	b, err := json.Marshal(r)
	if err != nil { // a Record holds only strings and a number: cannot happen
		b = []byte(`{"level":"error","msg":"unencodable log record"}`)
	}
	if len(b) >= MaxRecord {
		r2 := *r
		r2.Msg = truncate(r.Msg, MaxRecord/2)
		b, _ = json.Marshal(&r2)
	}
	return append(b, '\n')
}

// DecodeRecord parses one line of the stream (without its newline) and checks its level.
func DecodeRecord(line []byte) (*Record, slog.Level, error) {
	var r Record
	if err := json.Unmarshal(line, &r); err != nil {
		return nil, 0, fmt.Errorf("log record %q: %w", truncate(string(line), 80), err)
	}
	if r.Msg == "" {
		return nil, 0, errors.New("log record without msg")
	}
	level, err := ParseLevel(r.Level)
	if err != nil {
		return nil, 0, fmt.Errorf("log record %q: %w", truncate(r.Msg, 80), err)
	}
	return &r, level, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "..."
}
