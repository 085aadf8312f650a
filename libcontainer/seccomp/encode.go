package seccomp

import (
	"encoding/binary"
	"errors"

	"github.com/berth-runtime/berth/libcontainer/protocol"
)

// filterMagic starts an encoded Filter ("BSF1"): a container's execs compile its linux.seccomp
// once and keep the result (package container), since compiling costs milliseconds and the
// config never changes after create.
const filterMagic = "BSF1"

// MarshalBinary encodes the filter: magic, u32 flags, u32 notify (0 or 1), u32 n, then n
// BPF instructions of 8 bytes, native byte order.
func (f *Filter) MarshalBinary() ([]byte, error) {
	b := []byte(filterMagic)
	b = binary.NativeEndian.AppendUint32(b, uint32(f.flags))
	notify := uint32(0)
	if f.notify {
		notify = 1
	}
	b = binary.NativeEndian.AppendUint32(b, notify)
	b = binary.NativeEndian.AppendUint32(b, uint32(len(f.prog)))
	return protocol.AppendBPF(b, f.prog), nil
}

var errBadEncoding = errors.New("seccomp: not an encoded filter")

// UnmarshalBinary decodes what MarshalBinary made; anything else is an error.
func (f *Filter) UnmarshalBinary(b []byte) error {
	const head = len(filterMagic) + 12
	if len(b) < head || string(b[:len(filterMagic)]) != filterMagic {
		return errBadEncoding
	}
	flags := binary.NativeEndian.Uint32(b[4:])
	notify := binary.NativeEndian.Uint32(b[8:])
	n := binary.NativeEndian.Uint32(b[12:])
	body := b[head:]
	if notify > 1 || n == 0 || n > 4096 || uint64(len(body)) != uint64(n)*8 {
		return errBadEncoding
	}
	prog, err := protocol.DecodeBPF(body)
	if err != nil {
		return errBadEncoding
	}
	*f = Filter{prog: prog, flags: uintptr(flags), notify: notify == 1}
	return nil
}
