package protocol

import (
	"testing"

	"github.com/berth-runtime/berth/libcontainer/fdpass"
	"golang.org/x/sys/unix"
)

// FuzzDecode: whatever bytes a peer sends as a frame's body (with or without an fd), decode
// returns a message that keeps the fd rule of its kind, or an error; never a panic.
func FuzzDecode(f *testing.F) {
	f.Add([]byte(`{"type":"ready"}`), false)
	f.Add([]byte(`{"type":"idmap","mount":3,"fd":true}`), true)
	f.Add([]byte(`{"type":"config","config":{"spec":{"ociVersion":"1.3.0"},"rootfs":"/r"}}`), false)
	f.Add([]byte(`{"type":"start","logLevel":"debug","fd":true}`), true)
	f.Add([]byte(`{"type":"error","error":"x"}`), false)
	f.Fuzz(func(t *testing.T, body []byte, withFd bool) {
		var fds []int
		if withFd {
			fd, err := unix.Open("/dev/null", unix.O_RDONLY|unix.O_CLOEXEC, 0)
			if err != nil {
				t.Fatal(err)
			}
			fds = []int{fd}
		}
		m, err := decode(body, fds)
		if err != nil {
			fdpass.CloseFds(fds) // as Receive does
			return
		}
		if m.File != nil {
			defer m.File.Close()
		}
		rule, ok := kinds[m.Kind]
		if !ok || !rule.allows(m.HasFd) || m.HasFd != withFd || (m.File != nil) != withFd {
			t.Fatalf("decode(%q, fd %v) = %+v: breaks the fd rule of its kind", body, withFd, m)
		}
	})
}

// FuzzDecodeRecord: any line on the log stream is a record with a level, or an error.
func FuzzDecodeRecord(f *testing.F) {
	f.Add([]byte(`{"level":"debug","msg":"mounts done","src":"init","phase":"mounts","duration":3300000}`))
	f.Add([]byte(`{"level":"nope"}`))
	f.Add([]byte(`not json`))
	f.Fuzz(func(t *testing.T, line []byte) {
		r, _, err := DecodeRecord(line)
		if err == nil && r == nil {
			t.Fatalf("DecodeRecord(%q) = nil record, no error", line)
		}
	})
}
