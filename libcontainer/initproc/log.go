package initproc

import (
	"log/slog"
	"os"
	"time"

	"github.com/berth-runtime/berth/libcontainer/protocol"
	"github.com/berth-runtime/berth/libcontainer/sys"
)

// initLog is init's end of the log stream (see protocol/log.go). It is one per process and
// package-level so that a phase is one line wherever it ends: logPhase("mounts", "rootfs mounted").
var initLog = streamLog{level: levelOff}

// levelOff is above every level: nothing is logged.
const levelOff = slog.Level(1 << 10)

type streamLog struct {
	w     *os.File
	level slog.Level
	last  time.Time // when the previous phase ended
	// status is init's /proc/self/status, opened while init still saw the host's /proc, for the
	// peak RSS of each phase; nil leaves it out (see watchRSS).
	status *os.File
}

// watchRSS adds init's peak RSS to its phase records from now on, when debugging. Only from a
// mount namespace of its own, copied from the host's: a joined one's /proc is not berth's.
func watchRSS(ownMountNS bool) {
	if initLog.level > slog.LevelDebug || !ownMountNS {
		return
	}
	if f, err := sys.OpenStatus(); err == nil {
		initLog.status = f
	}
}

// openLog picks up the log stream the host passed, if any. A bad level turns logging off
// rather than failing init: logs are never worth a container.
func openLog() {
	f, err := fdFromEnv(protocol.EnvLogFd)
	name := os.Getenv(protocol.EnvLogLevel)
	os.Unsetenv(protocol.EnvLogLevel)
	if err != nil || f == nil {
		return
	}
	level, err := protocol.ParseLevel(name)
	if err != nil {
		f.Close()
		return
	}
	initLog = streamLog{w: f, level: level, last: time.Now()}
}

// takeLogStream switches to the log stream that `berth start` passes with its start message
// when it wants records below warn (create's reader has gone). A failure leaves logging as it
// was: logs are never worth a container.
func takeLogStream(m *protocol.Message) {
	if m.File == nil {
		return
	}
	l, err := protocol.ParseLevel(m.LogLevel)
	if err != nil {
		m.File.Close()
		return
	}
	if initLog.w != nil {
		initLog.w.Close()
	}
	initLog = streamLog{w: m.File, level: l, last: time.Now(), status: initLog.status}
}

// logPhase records, at debug level, that a phase ended and how long it took since the previous
// one. When debug is off it costs one comparison. The last records (credentials, exec) may be
// written under the container's seccomp filter: one that fails write(2) ends logging there
// (SCMP_ACT_NOTIFY on write is refused by package seccomp, so it cannot hang init).
func logPhase(phase, msg string) {
	if initLog.level > slog.LevelDebug {
		return
	}
	now := time.Now()
	initLog.write(&protocol.Record{Level: "debug", Msg: msg, Phase: phase, Duration: int64(now.Sub(initLog.last)),
		MaxRSS: sys.StatusPeakRSSKiB(initLog.status)})
	initLog.last = now
}

// logError records init's last words: the error it dies of, for when the sync socket cannot
// carry it any more.
func logError(msg string) {
	if initLog.level > slog.LevelError {
		return
	}
	initLog.write(&protocol.Record{Level: "error", Msg: msg})
}

// write sends one record in one write. A host that stopped reading (create returned) makes
// it fail: logging stops there.
func (l *streamLog) write(r *protocol.Record) {
	r.Src = "init"
	if _, err := l.w.Write(protocol.EncodeRecord(r)); err != nil {
		l.level = levelOff
		l.w.Close()
	}
}
