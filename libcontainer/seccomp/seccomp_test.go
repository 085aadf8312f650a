package seccomp

import (
	"encoding/json"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	libseccomp "github.com/seccomp/libseccomp-golang"
	"golang.org/x/sys/unix"
)

func uintp(v uint) *uint { return &v }

// allowWith is a profile that allows everything but applies call.
func allowWith(call specs.LinuxSyscall) *specs.LinuxSeccomp {
	return &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{call}}
}

func TestKnownActionsBuild(t *testing.T) {
	for _, name := range KnownActions() {
		t.Run(name, func(t *testing.T) {
			s := allowWith(specs.LinuxSyscall{Names: []string{"mkdirat"}, Action: specs.LinuxSeccompAction(name)})
			s.DefaultAction = specs.ActLog // so that SCMP_ACT_ALLOW is not dropped as a no-op
			if name == string(specs.ActNotify) {
				s.ListenerPath = "/run/agent.sock"
			}
			f, err := Build(s)
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			if f.Instructions() == 0 {
				t.Fatal("empty program")
			}
			if got, want := f.Notifies(), name == string(specs.ActNotify); got != want {
				t.Errorf("Notifies() = %v, want %v", got, want)
			}
		})
	}
}

func TestActionValues(t *testing.T) {
	tests := []struct {
		name  specs.LinuxSeccompAction
		errno *uint
		want  libseccomp.ScmpAction
	}{
		{specs.ActKill, nil, libseccomp.ActKillThread},
		{specs.ActKillThread, nil, libseccomp.ActKillThread},
		{specs.ActKillProcess, nil, libseccomp.ActKillProcess},
		{specs.ActTrap, nil, libseccomp.ActTrap},
		{specs.ActErrno, nil, libseccomp.ActErrno.SetReturnCode(int16(unix.EPERM))},
		{specs.ActErrno, uintp(38), libseccomp.ActErrno.SetReturnCode(38)},
		{specs.ActErrno, uintp(0), libseccomp.ActErrno.SetReturnCode(0)},
		{specs.ActTrace, nil, libseccomp.ActTrace.SetReturnCode(int16(unix.EPERM))},
		{specs.ActTrace, uintp(7), libseccomp.ActTrace.SetReturnCode(7)},
		{specs.ActAllow, nil, libseccomp.ActAllow},
		{specs.ActLog, nil, libseccomp.ActLog},
		{specs.ActNotify, nil, libseccomp.ActNotify},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s/%v", tt.name, tt.errno != nil), func(t *testing.T) {
			got, err := parseAction(tt.name, tt.errno, "f", "e")
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %#x, want %#x", uint(got), uint(tt.want))
			}
		})
	}
	for _, tt := range []struct {
		name  specs.LinuxSeccompAction
		errno uint
		want  string
	}{
		{specs.ActErrno, 4095, "e 4095: out of range (0-4094)"},
		{specs.ActErrno, 70000, "e 70000: out of range (0-4094)"},
		{specs.ActTrace, 65536, "e 65536: out of range (0-65535)"},
	} {
		_, err := parseAction(tt.name, &tt.errno, "f", "e")
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s errno %d: got %v, want %q", tt.name, tt.errno, err, tt.want)
		}
	}
	if _, err := parseAction(specs.ActTrace, uintp(5000), "f", "e"); err != nil {
		t.Errorf("SCMP_ACT_TRACE 5000: %v", err)
	}
	if len(tests) < len(actions) {
		t.Errorf("table covers fewer actions than the %d known", len(actions))
	}
}

// TestKnownArches builds a filter for every known architecture. On this (little-endian) host the
// little-endian ones that libseccomp knows must work; the others must fail naming the field.
func TestKnownArches(t *testing.T) {
	major, minor, _ := libseccomp.GetLibraryVersion()
	newer := []specs.Arch{specs.ArchLOONGARCH64, specs.ArchM68K, specs.ArchSH, specs.ArchSHEB}
	littleEndian := []specs.Arch{specs.ArchX86, specs.ArchX86_64, specs.ArchX32, specs.ArchARM, specs.ArchAARCH64,
		specs.ArchMIPSEL, specs.ArchMIPSEL64, specs.ArchMIPSEL64N32, specs.ArchPPC64LE, specs.ArchRISCV64,
		specs.ArchLOONGARCH64, specs.ArchSH}
	for _, name := range KnownArches() {
		t.Run(name, func(t *testing.T) {
			s := allowWith(specs.LinuxSyscall{Names: []string{"mkdir"}, Action: specs.ActErrno})
			s.Architectures = []specs.Arch{specs.Arch(name)}
			_, err := Build(s)
			arch := specs.Arch(name)
			mustWork := slices.Contains(littleEndian, arch) && !(slices.Contains(newer, arch) && major == 2 && minor < 6)
			if mustWork && err != nil {
				t.Fatalf("Build: %v", err)
			}
			if !mustWork && (err == nil || !strings.Contains(err.Error(), `linux.seccomp.architectures[0] "`+name+`"`)) {
				t.Fatalf("want an error naming the field (libseccomp %s), got %v", Version(), err)
			}
		})
	}
}

func TestKnownOperators(t *testing.T) {
	for _, name := range KnownOperators() {
		t.Run(name, func(t *testing.T) {
			s := allowWith(specs.LinuxSyscall{Names: []string{"kill"}, Action: specs.ActErrno, Args: []specs.LinuxSeccompArg{
				{Index: 1, Value: 10, ValueTwo: 10, Op: specs.LinuxSeccompOperator(name)},
			}})
			if _, err := Build(s); err != nil {
				t.Fatalf("Build: %v", err)
			}
		})
	}
}

func TestKnownFlags(t *testing.T) {
	for _, name := range KnownFlags() {
		t.Run(name, func(t *testing.T) {
			s := allowWith(specs.LinuxSyscall{Names: []string{"mkdir"}, Action: specs.ActErrno})
			s.Flags = []specs.LinuxSeccompFlag{specs.LinuxSeccompFlag(name)}
			f, err := Build(s)
			if err != nil {
				t.Fatalf("Build: %v", err)
			}
			want := flags[specs.LinuxSeccompFlag(name)] | unix.SECCOMP_FILTER_FLAG_TSYNC
			if f.flags != want {
				t.Errorf("flags = %#x, want %#x", f.flags, want)
			}
		})
	}
}

func TestBuildErrors(t *testing.T) {
	errnoRule := specs.LinuxSyscall{Names: []string{"mkdir"}, Action: specs.ActErrno}
	tests := []struct {
		name string
		s    specs.LinuxSeccomp
		want string
	}{
		{"default action", specs.LinuxSeccomp{DefaultAction: "SCMP_ACT_NOPE"},
			`linux.seccomp.defaultAction "SCMP_ACT_NOPE": unknown action`},
		{"empty default action", specs.LinuxSeccomp{},
			`linux.seccomp.defaultAction "": unknown action`},
		{"notify default", specs.LinuxSeccomp{DefaultAction: specs.ActNotify, ListenerPath: "/x"},
			`linux.seccomp.defaultAction "SCMP_ACT_NOTIFY": cannot be the default action`},
		{"default errno on allow", specs.LinuxSeccomp{DefaultAction: specs.ActAllow, DefaultErrnoRet: uintp(1)},
			`linux.seccomp.defaultErrnoRet 1: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE`},
		{"default errno range", specs.LinuxSeccomp{DefaultAction: specs.ActErrno, DefaultErrnoRet: uintp(70000)},
			`linux.seccomp.defaultErrnoRet 70000: out of range`},
		{"arch", specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Architectures: []specs.Arch{"SCMP_ARCH_BOGUS"}},
			`linux.seccomp.architectures[0] "SCMP_ARCH_BOGUS": unknown architecture`},
		{"flag", specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Flags: []specs.LinuxSeccompFlag{flagTSYNC, "SECCOMP_FILTER_FLAG_X"}},
			`linux.seccomp.flags[1] "SECCOMP_FILTER_FLAG_X": unknown flag`},
		{"action", specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{errnoRule, errnoRule, errnoRule,
			{Names: []string{"read"}, Action: "SCMP_ACT_FOO"}}},
			`linux.seccomp.syscalls[3].action "SCMP_ACT_FOO": unknown action`},
		{"errno on allow", specs.LinuxSeccomp{DefaultAction: specs.ActLog, Syscalls: []specs.LinuxSyscall{
			{Names: []string{"read"}, Action: specs.ActAllow, ErrnoRet: uintp(5)}}},
			`linux.seccomp.syscalls[0].errnoRet 5: only valid with SCMP_ACT_ERRNO or SCMP_ACT_TRACE, not SCMP_ACT_ALLOW`},
		{"no names", specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{{Action: specs.ActErrno}}},
			`linux.seccomp.syscalls[0].names: must name at least one syscall`},
		{"operator", specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{errnoRule,
			{Names: []string{"kill"}, Action: specs.ActErrno, Args: []specs.LinuxSeccompArg{{Index: 1, Op: "SCMP_CMP_X"}}}}},
			`linux.seccomp.syscalls[1].args[0].op "SCMP_CMP_X": unknown operator`},
		{"index", specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{
			{Names: []string{"kill"}, Action: specs.ActErrno, Args: []specs.LinuxSeccompArg{{Index: 0, Op: specs.OpEqualTo}, {Index: 6, Op: specs.OpEqualTo}}}}},
			`linux.seccomp.syscalls[0].args[1].index 6: syscalls have arguments 0 to 5 only`},
		{"notify on write", specs.LinuxSeccomp{DefaultAction: specs.ActAllow, ListenerPath: "/x", Syscalls: []specs.LinuxSyscall{
			{Names: []string{"mkdir", "write"}, Action: specs.ActNotify}}},
			`linux.seccomp.syscalls[0].names[1] "write": SCMP_ACT_NOTIFY cannot be used`},
		{"notify on recvmsg", specs.LinuxSeccomp{DefaultAction: specs.ActAllow, ListenerPath: "/x", Syscalls: []specs.LinuxSyscall{
			{Names: []string{"recvmsg"}, Action: specs.ActNotify}}},
			`linux.seccomp.syscalls[0].names[0] "recvmsg": SCMP_ACT_NOTIFY cannot be used`},
		{"notify without listener", specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Syscalls: []specs.LinuxSyscall{
			{Names: []string{"mkdir"}, Action: specs.ActNotify}}},
			`linux.seccomp.listenerPath: required when a syscall uses SCMP_ACT_NOTIFY`},
		{"metadata without listener", specs.LinuxSeccomp{DefaultAction: specs.ActAllow, ListenerMetadata: "m"},
			`linux.seccomp.listenerMetadata: set without linux.seccomp.listenerPath`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Build(&tt.s)
			if err == nil {
				t.Fatalf("Build succeeded (%d instructions), want error %q", f.Instructions(), tt.want)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q does not contain %q", err, tt.want)
			}
		})
	}
}

func TestUnknownSyscallSkipped(t *testing.T) {
	want, err := Build(allowWith(specs.LinuxSyscall{Names: []string{"mkdir"}, Action: specs.ActErrno}))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Build(allowWith(specs.LinuxSyscall{Names: []string{"no_such_syscall", "mkdir", "io_frobnicate"}, Action: specs.ActErrno}))
	if err != nil {
		t.Fatalf("unknown names must be skipped, got %v", err)
	}
	if !slices.Equal(got.prog, want.prog) {
		t.Errorf("program with unknown names differs from the one without them")
	}
}

func TestRuleSameAsDefaultDropped(t *testing.T) {
	base, err := Build(&specs.LinuxSeccomp{DefaultAction: specs.ActAllow})
	if err != nil {
		t.Fatal(err)
	}
	f, err := Build(allowWith(specs.LinuxSyscall{Names: []string{"read"}, Action: specs.ActAllow}))
	if err != nil {
		t.Fatalf("a rule equal to the default action must be accepted: %v", err)
	}
	if !slices.Equal(f.prog, base.prog) {
		t.Error("the no-op rule changed the program")
	}
}

func TestGroupConditions(t *testing.T) {
	tests := []struct {
		name    string
		indexes []uint
		want    []int // sizes of the condition sets
	}{
		{"no args", nil, []int{0}},
		{"distinct indexes are ANDed", []uint{0, 1, 2}, []int{3}},
		{"repeated index is ORed", []uint{0, 0}, []int{1, 1}},
		{"any repeat splits all", []uint{1, 0, 1}, []int{1, 1, 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var args []specs.LinuxSeccompArg
			for _, i := range tt.indexes {
				args = append(args, specs.LinuxSeccompArg{Index: i, Op: specs.OpEqualTo})
			}
			conds, err := parseArgs(args, "x")
			if err != nil {
				t.Fatal(err)
			}
			var got []int
			for _, set := range groupConditions(args, conds) {
				got = append(got, len(set))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("set sizes %v, want %v", got, tt.want)
			}
		})
	}
}

func TestMaskedEqualOperandOrder(t *testing.T) {
	// value is the mask, valueTwo the datum, as runc and libseccomp order them.
	conds, err := parseArgs([]specs.LinuxSeccompArg{{Index: 1, Value: 2, ValueTwo: 0, Op: specs.OpMaskedEqual}}, "x")
	if err != nil {
		t.Fatal(err)
	}
	if c := conds[0]; c.Operand1 != 2 || c.Operand2 != 0 || c.Argument != 1 {
		t.Errorf("got %+v", c)
	}
}

func TestBuildNil(t *testing.T) {
	f, err := Build(nil)
	if f != nil || err != nil {
		t.Fatalf("Build(nil) = %v, %v", f, err)
	}
	fd, err := f.Load()
	if fd != nil || err != nil {
		t.Fatalf("nil Load = %v, %v", fd, err)
	}
}

func TestBuildDefaultLikeProfile(t *testing.T) {
	s := loadProfile(t, "testdata/profile-default-like.json")
	f, err := Build(s)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	if f.Notifies() {
		t.Error("profile without SCMP_ACT_NOTIFY reports Notifies")
	}
}

func TestBuildBigProfileFast(t *testing.T) {
	s := bigProfile()
	start := time.Now()
	f, err := Build(s)
	elapsed := time.Since(start)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	t.Logf("%d rules -> %d instructions in %v", len(s.Syscalls), f.Instructions(), elapsed)
	if elapsed > 500*time.Millisecond {
		t.Errorf("Build took %v, want well under 500ms", elapsed)
	}
}

// bigProfile allows, one entry each, every syscall libseccomp knows by number on this
// architecture (about 350), with argument filters on some: the size of a real default profile.
func bigProfile() *specs.LinuxSeccomp {
	s := &specs.LinuxSeccomp{
		DefaultAction:   specs.ActErrno,
		DefaultErrnoRet: uintp(uint(unix.EPERM)),
		Architectures:   []specs.Arch{specs.ArchX86_64, specs.ArchX86, specs.ArchX32},
	}
	for nr := range 460 {
		name, err := libseccomp.ScmpSyscall(nr).GetName()
		if err != nil {
			continue
		}
		call := specs.LinuxSyscall{Names: []string{name}, Action: specs.ActAllow}
		if nr%10 == 0 {
			call.Args = []specs.LinuxSeccompArg{{Index: 0, Value: uint64(nr), Op: specs.OpNotEqual}}
		}
		s.Syscalls = append(s.Syscalls, call)
	}
	return s
}

func loadProfile(t testing.TB, path string) *specs.LinuxSeccomp {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var s specs.LinuxSeccomp
	if err := json.Unmarshal(data, &s); err != nil {
		t.Fatal(err)
	}
	return &s
}

func TestVersion(t *testing.T) {
	v := Version()
	var a, b, c int
	if n, _ := fmt.Sscanf(v, "%d.%d.%d", &a, &b, &c); n != 3 || a < 2 {
		t.Errorf("Version() = %q, want major.minor.micro with major >= 2", v)
	}
}

func FuzzBuild(f *testing.F) {
	f.Add([]byte(`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s specs.LinuxSeccomp
		if err := json.Unmarshal(data, &s); err != nil {
			return
		}
		filter, err := Build(&s)
		if err == nil && filter.Instructions() == 0 {
			t.Fatal("Build succeeded with an empty program")
		}
	})
}

// BenchmarkBuild: compiling a profile the size of a default one, what create (in init) and
// every exec (on the host) pay.
func BenchmarkBuild(b *testing.B) {
	for _, bc := range []struct {
		name    string
		profile *specs.LinuxSeccomp
	}{
		{"default-like", loadProfile(b, "testdata/profile-default-like.json")},
		{"every-syscall", bigProfile()},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := Build(bc.profile); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
