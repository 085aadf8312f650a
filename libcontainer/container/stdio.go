package container

import (
	"io"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// stdio is what init (and so the program) gets as fds 0, 1 and 2. Detached, that is berth's
// own stdio, passed straight through (containerd hands fifos). In the foreground a terminal of
// the caller's is never handed in: a process holding it could push input into the user's
// shell (TIOCSTI) or change its settings. It gets a pipe instead, which berth relays.
type stdio struct {
	files     [3]*os.File // what the child gets; nil is /dev/null
	childEnds []*os.File  // the child's ends of the pipes, closed once it has them
	copies    sync.WaitGroup
}

// initStdio chooses what init gets as fds 0, 1 and 2:
//   - with process.terminal, nothing of the caller's (/dev/null): the program gets the pty, and
//     an init holding the caller's pipes until start would keep `out=$(berth create ...)` or a
//     shim reading create's output waiting for ever;
//   - detached, berth's own stdio, with /dev/null in place of any terminal: nobody is left to
//     relay it, and a process holding the caller's terminal could type into it (TIOCSTI);
//   - in the foreground, berth's stdio with terminals relayed through pipes (shieldTerminals).
func initStdio(terminal, detached bool) (*stdio, error) {
	switch {
	case terminal:
		return &stdio{}, nil
	case detached:
		s := passThrough()
		for i, f := range s.files {
			if isTerminal(f) {
				s.files[i] = nil
			}
		}
		return s, nil
	}
	return shieldTerminals()
}

func passThrough() *stdio {
	return &stdio{files: [3]*os.File{os.Stdin, os.Stdout, os.Stderr}}
}

// shieldTerminals replaces every terminal among berth's stdio with a relayed pipe.
func shieldTerminals() (*stdio, error) {
	s := passThrough()
	for i, f := range s.files {
		if !isTerminal(f) {
			continue
		}
		r, w, err := os.Pipe()
		if err != nil {
			s.closeChildEnds()
			return nil, err
		}
		if i == 0 {
			s.files[0] = r
			s.childEnds = append(s.childEnds, r)
			go func() { io.Copy(w, os.Stdin); w.Close() }() // may block on the terminal until exit
			continue
		}
		s.files[i] = w
		s.childEnds = append(s.childEnds, w)
		s.copies.Add(1)
		go func(dst *os.File) { defer s.copies.Done(); io.Copy(dst, r); r.Close() }(f)
	}
	return s, nil
}

// closeChildEnds closes berth's copies of the child's ends once the child has them, so that
// the output relays end when the program's side closes.
func (s *stdio) closeChildEnds() {
	for _, f := range s.childEnds {
		f.Close()
	}
	s.childEnds = nil
}

// wait lets the output relays drain.
func (s *stdio) wait() { s.copies.Wait() }

func isTerminal(f *os.File) bool {
	_, err := unix.IoctlGetTermios(int(f.Fd()), unix.TCGETS)
	return err == nil
}
