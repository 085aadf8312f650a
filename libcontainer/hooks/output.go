package hooks

import (
	"bytes"
	"strings"
)

// tailKeep is how much of a hook's stdout or stderr is kept: enough for the last lines of an
// error message, bounded so that a chatty hook cannot grow berth's memory.
const tailKeep = 4096

// maxLines and maxMessage bound the hook output quoted in an error.
const (
	maxLines   = 3
	maxMessage = 512
)

// tailBuffer is an io.Writer that keeps only the last tailKeep bytes written to it.
type tailBuffer struct {
	buf []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	n := len(p)
	if len(p) >= tailKeep {
		p = p[len(p)-tailKeep:]
		t.buf = append(t.buf[:0], p...)
		return n, nil
	}
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - tailKeep; over > 0 {
		t.buf = append(t.buf[:0], t.buf[over:]...)
	}
	return n, nil
}

// Bytes returns what is kept.
func (t *tailBuffer) Bytes() []byte { return t.buf }

// lastLines returns the last few non-empty lines of the first non-empty output, joined by "; ",
// for quoting in an error message. stderr comes first: that is where hooks say what went wrong.
func lastLines(outputs ...[]byte) string {
	for _, out := range outputs {
		out = bytes.TrimSpace(out)
		if len(out) == 0 {
			continue
		}
		var lines []string
		for _, l := range strings.Split(string(out), "\n") {
			if l = strings.TrimSpace(l); l != "" {
				lines = append(lines, l)
			}
		}
		if len(lines) > maxLines {
			lines = lines[len(lines)-maxLines:]
		}
		msg := strings.Join(lines, "; ")
		if len(msg) > maxMessage {
			msg = "..." + msg[len(msg)-maxMessage:]
		}
		return msg
	}
	return ""
}
