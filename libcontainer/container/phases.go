package container

import (
	"context"
	"log/slog"
	"time"

	"github.com/berth-runtime/berth/libcontainer/sys"
)

// phaseLog times the steps of one operation (create, start, exec, delete) for --debug: each
// done logs, at debug level, the step that just ended, how long it took and the process's peak
// RSS by then (maxrss, KiB). With debug off it
// costs one level check when made and a boolean test per step.
type phaseLog struct {
	op, id string
	on     bool
	last   time.Time
}

// injectFault is nil in release builds; the berth_faults build tag sets it (faults.go).
var injectFault func(op, phase string)

func newPhaseLog(op, id string) *phaseLog {
	p := &phaseLog{op: op, id: id, on: slog.Default().Enabled(context.Background(), slog.LevelDebug)}
	if p.on {
		p.last = time.Now()
	}
	return p
}

// done logs that phase ended, with msg; extra attributes (key, value pairs) follow. In a build
// with fault injection (faults.go) it is also where berth can be made to die.
func (p *phaseLog) done(phase, msg string, extra ...any) {
	if injectFault != nil {
		injectFault(p.op, phase)
	}
	if !p.on {
		return
	}
	now := time.Now()
	args := append([]any{"id", p.id, "op", p.op, "phase", phase, "duration", now.Sub(p.last),
		"maxrss", sys.PeakRSSKiB()}, extra...)
	slog.Debug(msg, args...)
	p.last = now
}
