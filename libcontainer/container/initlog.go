package container

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"

	"golang.org/x/sys/unix"

	"github.com/berth-runtime/berth/libcontainer/protocol"
)

// initLogRelay is the host's end of init's log stream (protocol/log.go): it copies the records
// of init and nsenter into berth's logger while init is set up. Warnings and errors are held
// back until init is known to be fine (flush) or not (explain): they are init's last words,
// and a user whose container failed should read them once, in the "berth: ..." line.
type initLogRelay struct {
	f    *os.File // non-blocking, so that stop can interrupt the reader
	log  *slog.Logger
	id   string
	done chan struct{}

	mu      sync.Mutex
	partial []byte       // a line not yet ended
	held    []heldRecord // warnings and errors not yet logged (see explain and flush)
	stopped bool
}

type heldRecord struct {
	level slog.Level
	rec   *protocol.Record
}

// maxHeld bounds the records held back; the error message takes the last maxLastWords.
const (
	maxHeld      = 16
	maxLastWords = 3
)

// logStreamLevel is the level to ask init for: the lowest one berth's logger lets through.
func logStreamLevel(log *slog.Logger) string {
	for _, l := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn} {
		if log.Enabled(context.Background(), l) {
			return protocol.LevelName(l)
		}
	}
	return protocol.LevelName(slog.LevelError)
}

// newLogStream makes the socketpair of the log stream: the host's end is read by a relay, the
// other goes to init.
func newLogStream() (host, child *os.File, err error) {
	return hostSocketpair("log")
}

// sendStart sends init the start message. When berth logs below warn it also passes a new log
// stream, for the records of start's phases, and returns its relay; warnings and errors from
// init after start reach the host on conn as error frames anyway, so by default nothing more
// is made.
func sendStart(conn *os.File, log *slog.Logger, id string, waitExec bool) (*initLogRelay, error) {
	level := logStreamLevel(log)
	if l, _ := protocol.ParseLevel(level); l >= slog.LevelWarn {
		return nil, protocol.Send(conn, &protocol.Message{Kind: protocol.KindStart, WaitExec: waitExec})
	}
	host, child, err := newLogStream()
	if err != nil {
		return nil, err
	}
	defer child.Close()
	if err := protocol.Send(conn, &protocol.Message{Kind: protocol.KindStart, LogLevel: level, File: child, WaitExec: waitExec}); err != nil {
		host.Close()
		return nil, err
	}
	return startInitLogRelay(host, log, id), nil
}

// startInitLogRelay reads f (newLogStream's host end) in the background until stop.
func startInitLogRelay(f *os.File, log *slog.Logger, id string) *initLogRelay {
	r := &initLogRelay{f: f, log: log, id: id, done: make(chan struct{})}
	go r.read()
	return r
}

func (r *initLogRelay) read() {
	defer close(r.done)
	buf := make([]byte, protocol.MaxRecord)
	for {
		n, err := r.f.Read(buf)
		r.mu.Lock()
		r.feed(buf[:n])
		r.mu.Unlock()
		if err != nil {
			return // EOF: init exec'd or died; a deadline: stop
		}
	}
}

// stop ends the relay: whatever init wrote so far is relayed, the rest is not read. Records
// init writes later fail to be sent, which turns its logging off. Safe to call more than once.
func (r *initLogRelay) stop() {
	if r == nil {
		return
	}
	r.mu.Lock()
	stopped := r.stopped
	r.stopped = true
	r.mu.Unlock()
	if stopped {
		return
	}
	if err := r.f.SetReadDeadline(time.Now()); err != nil {
		return // not pollable (cannot happen with newLogStream's): leave the reader be
	}
	<-r.done
	r.drain()
	r.f.Close()
	r.mu.Lock()
	r.feed([]byte("\n")) // a last line without its newline
	r.mu.Unlock()
}

// drain reads what is already in the socket without waiting (the fd is non-blocking).
func (r *initLogRelay) drain() {
	rc, err := r.f.SyscallConn()
	if err != nil {
		return
	}
	buf := make([]byte, protocol.MaxRecord)
	rc.Control(func(fd uintptr) {
		for {
			n, err := unix.Read(int(fd), buf)
			if errors.Is(err, unix.EINTR) {
				continue
			}
			if n <= 0 || err != nil {
				return
			}
			r.mu.Lock()
			r.feed(buf[:n])
			r.mu.Unlock()
		}
	})
}

// feed relays every complete line of data; a partial line waits for the rest. The caller holds mu.
func (r *initLogRelay) feed(data []byte) {
	r.partial = append(r.partial, data...)
	for {
		i := bytes.IndexByte(r.partial, '\n')
		if i < 0 {
			break
		}
		r.relay(r.partial[:i])
		r.partial = r.partial[i+1:]
	}
	if len(r.partial) > protocol.MaxRecord {
		r.relay(r.partial[:protocol.MaxRecord])
		r.partial = nil
	}
}

// relay logs one record as berth's own, or holds it back when it is a warning or an error.
func (r *initLogRelay) relay(line []byte) {
	line = bytes.TrimSpace(line)
	if len(line) == 0 {
		return
	}
	rec, level, err := protocol.DecodeRecord(line)
	if err != nil {
		r.log.Warn("init log: unreadable record", "id", r.id, "error", err)
		return
	}
	if level >= slog.LevelWarn {
		if len(r.held) == maxHeld {
			r.held = r.held[1:]
		}
		r.held = append(r.held, heldRecord{level, rec})
		return
	}
	r.logRecord(level, rec)
}

// logRecord logs rec as berth's own, with the container's id, its source, phase and duration.
func (r *initLogRelay) logRecord(level slog.Level, rec *protocol.Record) {
	if !r.log.Enabled(context.Background(), level) {
		return
	}
	attrs := []any{"id", r.id}
	if rec.Src != "" {
		attrs = append(attrs, "src", rec.Src)
	}
	if rec.Phase != "" {
		attrs = append(attrs, "phase", rec.Phase)
	}
	if rec.Duration != 0 {
		attrs = append(attrs, "duration", time.Duration(rec.Duration))
	}
	if rec.MaxRSS != 0 {
		attrs = append(attrs, "maxrss", rec.MaxRSS)
	}
	r.log.Log(context.Background(), level, rec.Msg, attrs...)
}

// explain adds init's last words to the error that ended the setup, unless the error already
// says them. It stops the relay first, so that every record written before init died is in.
func (r *initLogRelay) explain(err error) error {
	if r == nil || err == nil {
		return err
	}
	r.stop()
	words := r.lastWords(err.Error())
	if words == "" {
		return err
	}
	return &withLastWords{err: err, words: words}
}

// lastWords joins the last held-back records that errText does not already contain, and
// forgets them all.
func (r *initLogRelay) lastWords(errText string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var words []string
	for _, h := range r.held {
		if !strings.Contains(errText, h.rec.Msg) {
			words = append(words, h.rec.Msg)
		}
	}
	r.held = nil
	if len(words) > maxLastWords {
		words = words[len(words)-maxLastWords:]
	}
	return strings.Join(words, "; ")
}

// flush logs the held-back warnings and errors: init got through, so they are news, not
// reasons. Relaying goes on.
func (r *initLogRelay) flush() {
	if r == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, h := range r.held {
		r.logRecord(h.level, h.rec)
	}
	r.held = nil
}

// finish stops the relay and logs what is still held back.
func (r *initLogRelay) finish() {
	if r == nil {
		return
	}
	r.stop()
	r.flush()
}

// withLastWords is an error followed by what init logged before it died.
type withLastWords struct {
	err   error
	words string
}

func (e *withLastWords) Error() string { return e.err.Error() + " (init said: " + e.words + ")" }
func (e *withLastWords) Unwrap() error { return e.err }
