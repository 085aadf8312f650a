package protocol

import (
	"encoding/binary"
	"fmt"
	"os"

	"golang.org/x/sys/unix"
)

// ExecPlan is everything the C constructor needs to run an exec'd process by itself, with no Go
// runtime in the child (nsenter/exec.c): the host resolves the config into numbers and strings,
// and the child only makes the system calls. The host decides when a process qualifies
// (package container, execdirect.go); anything else goes through `berth init`.
//
// Encoded in a sealed memfd named by _BERTH_EXEC_PLAN_FD, native byte order (the same machine
// reads it), in this order; a string is a u32 length counting its trailing NUL, then the bytes:
//
//	u32 magic "BXP1"      u32 flags (ExecPlanNoNewPrivs, ExecPlanUmask, ExecPlanTerminal)  u32 umask
//	u32 uid  u32 gid      u32 n, then n u32 additional gids
//	u64 bounding, effective, permitted, inheritable, ambient capability masks  u32 last cap
//	u32 n, then n × (u32 resource, u64 soft, u64 hard) rlimits
//	u32 preserved fds     u32 console height  u32 console width (0 0: leave the size)
//	u32 seccomp flags     u32 n, then n BPF instructions (8 bytes each)
//	string cwd            u32 n, then n strings argv   u32 n, then n strings env
type ExecPlan struct {
	Flags       uint32
	Umask       uint32
	UID, GID    uint32
	Groups      []uint32
	Caps        CapMasks
	LastCap     uint32
	Rlimits     []Rlimit
	PreserveFds uint32
	// ConsoleHeight and ConsoleWidth: process.consoleSize of a terminal (ExecPlanTerminal),
	// whose master goes to the console socket (_BERTH_CONSOLE_FD).
	ConsoleHeight, ConsoleWidth uint32
	// SeccompFlags and Seccomp: the filter, loaded before the credential switch without
	// no_new_privs (it needs CAP_SYS_ADMIN then), last before execve with it.
	SeccompFlags uint32
	Seccomp      []unix.SockFilter
	Cwd          string
	Args, Env    []string
}

// The ExecPlan flags.
const (
	ExecPlanNoNewPrivs uint32 = 1 << iota
	ExecPlanUmask
	ExecPlanTerminal
)

// execPlanMagic is "BXP1" read as a little-endian u32 (the C side compares the same value).
const execPlanMagic = 0x31505842

// CapMasks are the five capability sets as bit masks (bit n is capability n).
type CapMasks struct {
	Bounding, Effective, Permitted, Inheritable, Ambient uint64
}

// Rlimit is one process.rlimits entry, its type resolved to the resource number.
type Rlimit struct {
	Resource   uint32
	Soft, Hard uint64
}

// Encode lays the plan out as the C side reads it.
func (p *ExecPlan) Encode() []byte {
	var b []byte
	u32 := func(v uint32) { b = binary.NativeEndian.AppendUint32(b, v) }
	u64 := func(v uint64) { b = binary.NativeEndian.AppendUint64(b, v) }
	str := func(s string) { u32(uint32(len(s) + 1)); b = append(append(b, s...), 0) }
	strs := func(list []string) {
		u32(uint32(len(list)))
		for _, s := range list {
			str(s)
		}
	}
	u32(execPlanMagic)
	u32(p.Flags)
	u32(p.Umask)
	u32(p.UID)
	u32(p.GID)
	u32(uint32(len(p.Groups)))
	for _, g := range p.Groups {
		u32(g)
	}
	for _, m := range []uint64{p.Caps.Bounding, p.Caps.Effective, p.Caps.Permitted, p.Caps.Inheritable, p.Caps.Ambient} {
		u64(m)
	}
	u32(p.LastCap)
	u32(uint32(len(p.Rlimits)))
	for _, r := range p.Rlimits {
		u32(r.Resource)
		u64(r.Soft)
		u64(r.Hard)
	}
	u32(p.PreserveFds)
	u32(p.ConsoleHeight)
	u32(p.ConsoleWidth)
	u32(p.SeccompFlags)
	u32(uint32(len(p.Seccomp)))
	b = AppendBPF(b, p.Seccomp)
	str(p.Cwd)
	strs(p.Args)
	strs(p.Env)
	return b
}

// File returns the encoded plan in a sealed memfd (close-on-exec; the host passes it on as an
// extra file): the child reads it with the fd's own size, and nothing can change it meanwhile.
func (p *ExecPlan) File() (*os.File, error) {
	fd, err := unix.MemfdCreate("berth-exec-plan", unix.MFD_CLOEXEC|unix.MFD_ALLOW_SEALING)
	if err != nil {
		return nil, os.NewSyscallError("memfd_create", err)
	}
	f := os.NewFile(uintptr(fd), "berth-exec-plan")
	if _, err := f.Write(p.Encode()); err != nil {
		f.Close()
		return nil, fmt.Errorf("exec plan: %w", err)
	}
	seals := unix.F_SEAL_SEAL | unix.F_SEAL_SHRINK | unix.F_SEAL_GROW | unix.F_SEAL_WRITE
	if _, err := unix.FcntlInt(uintptr(fd), unix.F_ADD_SEALS, seals); err != nil {
		f.Close()
		return nil, fmt.Errorf("exec plan: %w", os.NewSyscallError("fcntl F_ADD_SEALS", err))
	}
	return f, nil
}

// AppendBPF appends prog as 8 bytes per instruction (u16 code, u8 jt, u8 jf, u32 k), native
// byte order: struct sock_filter as the kernel and nsenter/exec.c read it. One encoding for
// the exec plan and for seccomp's own kept filter.
func AppendBPF(b []byte, prog []unix.SockFilter) []byte {
	for _, ins := range prog {
		b = binary.NativeEndian.AppendUint16(b, ins.Code)
		b = append(b, ins.Jt, ins.Jf)
		b = binary.NativeEndian.AppendUint32(b, ins.K)
	}
	return b
}

// DecodeBPF reads what AppendBPF wrote; b must hold whole instructions.
func DecodeBPF(b []byte) ([]unix.SockFilter, error) {
	if len(b)%8 != 0 {
		return nil, fmt.Errorf("BPF program of %d bytes: not whole instructions", len(b))
	}
	prog := make([]unix.SockFilter, len(b)/8)
	for i := range prog {
		ins := b[i*8:]
		prog[i] = unix.SockFilter{Code: binary.NativeEndian.Uint16(ins), Jt: ins[2], Jf: ins[3], K: binary.NativeEndian.Uint32(ins[4:])}
	}
	return prog, nil
}
