// Package seccomp turns config.json's linux.seccomp into a BPF program and loads it.
//
// Build validates the whole config (every error names its JSON field), compiles it with
// libseccomp and keeps only the resulting BPF program and seccomp(2) flags; the libseccomp
// context is released before Build returns. Load is then a single seccomp(2) call made by berth
// itself, not by libseccomp, so that:
//   - every runtime-spec flag works whatever libseccomp is linked (2.5.4 cannot set
//     SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV),
//   - libseccomp never sets no_new_privs behind the caller's back (its default): NNP is the
//     caller's decision, from process.noNewPrivileges,
//   - the notify fd comes straight from the kernel.
//
// Semantics follow runc where the spec is silent: unknown syscall names are skipped, several
// args on one rule are ANDed unless an argument index repeats, in which case each arg becomes a
// rule of its own (ORed), and a rule whose action equals the default action is dropped.
package seccomp

import (
	"errors"
	"fmt"
	"log/slog"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"
)

// Filter is a seccomp filter ready to load, built on the host side or in init before
// pivot_root. It holds no libseccomp state, only the BPF program and the seccomp(2) flags.
type Filter struct {
	prog   []unix.SockFilter
	flags  uintptr
	notify bool
}

// Notifies reports whether the filter has SCMP_ACT_NOTIFY rules, i.e. whether Load returns a
// notify fd that must go to linux.seccomp.listenerPath.
func (f *Filter) Notifies() bool { return f != nil && f.notify }

// Instructions returns the length of the BPF program (for logs and tests).
func (f *Filter) Instructions() int {
	if f == nil {
		return 0
	}
	return len(f.prog)
}

// rule is one validated linux.seccomp.syscalls[] entry, ready for libseccomp.
type rule struct {
	field  string // "linux.seccomp.syscalls[3]", for errors
	names  []string
	action libseccomp.ScmpAction
	// condSets are added as one libseccomp rule each (ORed); the conditions inside a set are
	// ANDed. A rule without args has a single empty set.
	condSets [][]libseccomp.ScmpCondition
}

// Build checks s and compiles it. A nil s means no seccomp: Build returns a nil Filter, whose
// Load does nothing.
func Build(s *specs.LinuxSeccomp) (*Filter, error) {
	if s == nil {
		return nil, nil
	}
	defaultAct, err := parseAction(s.DefaultAction, s.DefaultErrnoRet, "linux.seccomp.defaultAction", "linux.seccomp.defaultErrnoRet")
	if err != nil {
		return nil, err
	}
	if defaultAct == libseccomp.ActNotify {
		// init itself would block on its very next syscall, before anyone holds the fd.
		return nil, errors.New(`linux.seccomp.defaultAction "SCMP_ACT_NOTIFY": cannot be the default action`)
	}
	f := &Filter{}
	if f.flags, err = parseFlags(s.Flags); err != nil {
		return nil, err
	}
	archList, err := parseArches(s.Architectures)
	if err != nil {
		return nil, err
	}
	rules, err := parseRules(s.Syscalls)
	if err != nil {
		return nil, err
	}
	f.notify = usesNotify(rules)
	if err := checkListener(s, f.notify); err != nil {
		return nil, err
	}
	if f.prog, err = compile(defaultAct, archList, rules); err != nil {
		return nil, err
	}
	return f, nil
}

// maxReturnData is the largest errnoRet act takes. The kernel keeps 16 bits of return data
// (SECCOMP_RET_DATA); for an errno, libseccomp wants one below the kernel's MAX_ERRNO (4095) and
// refuses more with an EINVAL that its Go binding reports as "two checks on same syscall
// argument", or "could not create filter" for the default action: names of nothing the user wrote.
func maxReturnData(act libseccomp.ScmpAction) uint {
	if act == libseccomp.ActErrno {
		return 4094
	}
	return 0xffff
}

// parseAction maps an action name and its optional errno to a libseccomp action. The spec
// allows an errno only with SCMP_ACT_ERRNO and SCMP_ACT_TRACE and defaults it to EPERM.
func parseAction(name specs.LinuxSeccompAction, errnoRet *uint, field, errnoField string) (libseccomp.ScmpAction, error) {
	act, ok := actions[name]
	if !ok {
		return libseccomp.ActInvalid, fmt.Errorf("%s %q: unknown action", field, name)
	}
	if act != libseccomp.ActErrno && act != libseccomp.ActTrace {
		if errnoRet != nil {
			return libseccomp.ActInvalid, fmt.Errorf("%s %d: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not %s", errnoField, *errnoRet, name)
		}
		return act, nil
	}
	code := uint(unix.EPERM)
	if errnoRet != nil {
		code = *errnoRet
	}
	if limit := maxReturnData(act); code > limit {
		return libseccomp.ActInvalid, fmt.Errorf("%s %d: out of range (0-%d)", errnoField, code, limit)
	}
	return act.SetReturnCode(int16(uint16(code))), nil
}

func parseFlags(names []specs.LinuxSeccompFlag) (uintptr, error) {
	// TSYNC is always on: Go may run init's code on any of its threads, and a filter on one
	// thread only could miss the thread that calls execve. (libseccomp does the same.)
	bits := uintptr(unix.SECCOMP_FILTER_FLAG_TSYNC)
	for i, name := range names {
		bit, ok := flags[name]
		if !ok {
			return 0, fmt.Errorf("linux.seccomp.flags[%d] %q: unknown flag", i, name)
		}
		bits |= bit
	}
	return bits, nil
}

func parseArches(names []specs.Arch) ([]libseccomp.ScmpArch, error) {
	out := make([]libseccomp.ScmpArch, 0, len(names))
	for i, name := range names {
		arch, ok := arches[name]
		if !ok {
			return nil, fmt.Errorf("linux.seccomp.architectures[%d] %q: unknown architecture", i, name)
		}
		out = append(out, arch)
	}
	return out, nil
}

func parseRules(calls []specs.LinuxSyscall) ([]rule, error) {
	out := make([]rule, 0, len(calls))
	for i, call := range calls {
		r, err := parseRule(call, fmt.Sprintf("linux.seccomp.syscalls[%d]", i))
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

func parseRule(call specs.LinuxSyscall, field string) (rule, error) {
	if len(call.Names) == 0 {
		return rule{}, fmt.Errorf("%s.names: must name at least one syscall", field)
	}
	act, err := parseAction(call.Action, call.ErrnoRet, field+".action", field+".errnoRet")
	if err != nil {
		return rule{}, err
	}
	if act == libseccomp.ActNotify {
		if err := checkNotifiable(call.Names, field); err != nil {
			return rule{}, err
		}
	}
	conds, err := parseArgs(call.Args, field)
	if err != nil {
		return rule{}, err
	}
	return rule{field: field, names: call.Names, action: act, condSets: groupConditions(call.Args, conds)}, nil
}

// checkNotifiable refuses SCMP_ACT_NOTIFY on the syscalls init needs between Load and execve
// to hand the notify fd out: notifying on them would block init before anyone can answer.
func checkNotifiable(names []string, field string) error {
	for j, name := range names {
		switch name {
		case "write", "sendmsg", "recvmsg":
			return fmt.Errorf("%s.names[%d] %q: SCMP_ACT_NOTIFY cannot be used for this syscall (the runtime needs it to pass the notify fd on)", field, j, name)
		}
	}
	return nil
}

func parseArgs(args []specs.LinuxSeccompArg, field string) ([]libseccomp.ScmpCondition, error) {
	conds := make([]libseccomp.ScmpCondition, 0, len(args))
	for k, arg := range args {
		argField := fmt.Sprintf("%s.args[%d]", field, k)
		op, ok := operators[arg.Op]
		if !ok {
			return nil, fmt.Errorf("%s.op %q: unknown operator", argField, arg.Op)
		}
		if arg.Index > 5 {
			return nil, fmt.Errorf("%s.index %d: syscalls have arguments 0 to 5 only", argField, arg.Index)
		}
		// For SCMP_CMP_MASKED_EQ value is the mask and valueTwo the datum (libseccomp's order).
		cond, err := libseccomp.MakeCondition(arg.Index, op, arg.Value, arg.ValueTwo)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", argField, err)
		}
		conds = append(conds, cond)
	}
	return conds, nil
}

// groupConditions decides how a rule's args combine. Distinct argument indexes are ANDed (one
// libseccomp rule). When an index repeats, ANDing would usually never match (arg0 == 1 && arg0
// == 2), so, as runc does, each arg becomes a separate rule and they are ORed.
func groupConditions(args []specs.LinuxSeccompArg, conds []libseccomp.ScmpCondition) [][]libseccomp.ScmpCondition {
	if !hasRepeatedIndex(args) {
		return [][]libseccomp.ScmpCondition{conds}
	}
	sets := make([][]libseccomp.ScmpCondition, len(conds))
	for i, c := range conds {
		sets[i] = []libseccomp.ScmpCondition{c}
	}
	return sets
}

func hasRepeatedIndex(args []specs.LinuxSeccompArg) bool {
	var seen [6]bool
	for _, a := range args {
		if seen[a.Index] {
			return true
		}
		seen[a.Index] = true
	}
	return false
}

func usesNotify(rules []rule) bool {
	for _, r := range rules {
		if r.action == libseccomp.ActNotify {
			return true
		}
	}
	return false
}

// checkListener applies the spec's rules on listenerPath and listenerMetadata.
func checkListener(s *specs.LinuxSeccomp, notify bool) error {
	if s.ListenerMetadata != "" && s.ListenerPath == "" {
		return errors.New("linux.seccomp.listenerMetadata: set without linux.seccomp.listenerPath")
	}
	if notify && s.ListenerPath == "" {
		return errors.New("linux.seccomp.listenerPath: required when a syscall uses SCMP_ACT_NOTIFY")
	}
	return nil
}

// logSkippedSyscall records a syscall name the linked libseccomp does not know. Profiles list
// syscalls newer than the library (or than this architecture), so this is not an error.
func logSkippedSyscall(field, name string) {
	slog.Debug("seccomp: skipping unknown syscall", "field", field, "syscall", name)
}
