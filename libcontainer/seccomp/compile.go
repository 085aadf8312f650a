package seccomp

import (
	"errors"
	"fmt"
	"io"
	"os"
	"unsafe"

	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"
)

// compile feeds the validated config to libseccomp and returns the BPF program it generates.
func compile(defaultAct libseccomp.ScmpAction, archList []libseccomp.ScmpArch, rules []rule) ([]unix.SockFilter, error) {
	// NewFilter includes the native architecture, so it is always covered.
	filter, err := libseccomp.NewFilter(defaultAct)
	if err != nil {
		return nil, fmt.Errorf("linux.seccomp.defaultAction: %w", err)
	}
	defer filter.Release()
	for i, arch := range archList {
		if err := filter.AddArch(arch); err != nil {
			if errors.Is(err, unix.EDOM) {
				err = errors.New("cannot share a filter with the native architecture (different byte order)")
			}
			return nil, fmt.Errorf("linux.seccomp.architectures[%d] %q: %w (libseccomp %s)", i, archName(arch), err, Version())
		}
	}
	for _, r := range rules {
		if err := addRule(filter, defaultAct, r); err != nil {
			return nil, err
		}
	}
	return exportBPF(filter)
}

// addRule adds one syscalls[] entry, once per name and condition set.
func addRule(filter *libseccomp.ScmpFilter, defaultAct libseccomp.ScmpAction, r rule) error {
	if r.action == defaultAct {
		// libseccomp refuses such rules; they change nothing, so drop them like runc does.
		return nil
	}
	for j, name := range r.names {
		call, err := libseccomp.GetSyscallFromName(name)
		if err != nil {
			logSkippedSyscall(fmt.Sprintf("%s.names[%d]", r.field, j), name)
			continue
		}
		for _, conds := range r.condSets {
			if err := filter.AddRuleConditional(call, r.action, conds); err != nil {
				return fmt.Errorf("%s.names[%d] %q: add rule: %w", r.field, j, name, err)
			}
		}
	}
	return nil
}

// exportBPF gets the generated program out of libseccomp. libseccomp 2.5 can only write it to
// an fd, so it goes through a memfd (a pipe could fill up and block).
func exportBPF(filter *libseccomp.ScmpFilter) ([]unix.SockFilter, error) {
	fd, err := unix.MemfdCreate("berth-seccomp-bpf", unix.MFD_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("seccomp: export bpf: %w", os.NewSyscallError("memfd_create", err))
	}
	mem := os.NewFile(uintptr(fd), "berth-seccomp-bpf")
	defer mem.Close()
	if err := filter.ExportBPF(mem); err != nil {
		return nil, fmt.Errorf("seccomp: export bpf: %w", err)
	}
	if _, err := mem.Seek(0, io.SeekStart); err != nil {
		return nil, fmt.Errorf("seccomp: export bpf: %w", err)
	}
	raw, err := io.ReadAll(mem)
	if err != nil {
		return nil, fmt.Errorf("seccomp: export bpf: %w", err)
	}
	return decodeBPF(raw)
}

// decodeBPF turns the exported bytes (struct sock_filter[] in host byte order) into
// instructions.
func decodeBPF(raw []byte) ([]unix.SockFilter, error) {
	const size = int(unsafe.Sizeof(unix.SockFilter{}))
	if len(raw) == 0 || len(raw)%size != 0 {
		return nil, fmt.Errorf("seccomp: export bpf: %d bytes is not a whole program", len(raw))
	}
	prog := make([]unix.SockFilter, len(raw)/size)
	copy(unsafe.Slice((*byte)(unsafe.Pointer(&prog[0])), len(raw)), raw)
	if len(prog) > unix.BPF_MAXINSNS {
		return nil, errors.New("linux.seccomp: the filter compiles to more than 4096 BPF instructions, the kernel's limit")
	}
	return prog, nil
}

func archName(arch libseccomp.ScmpArch) string {
	for name, a := range arches {
		if a == arch {
			return string(name)
		}
	}
	return arch.String()
}
