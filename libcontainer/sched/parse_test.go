package sched

import (
	"slices"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// wantErr checks err against a wanted substring; "" means no error.
func wantErr(t *testing.T, err error, want string) {
	t.Helper()
	switch {
	case want == "" && err != nil:
		t.Fatalf("unexpected error: %v", err)
	case want != "" && err == nil:
		t.Fatalf("no error, want one containing %q", want)
	case want != "" && !strings.Contains(err.Error(), want):
		t.Fatalf("error %q does not contain %q", err, want)
	}
}

func TestParseList(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []int
		err  string
	}{
		{in: "0", want: []int{0}},
		{in: "0-3,7", want: []int{0, 1, 2, 3, 7}},
		{in: "7,0-2,1", want: []int{0, 1, 2, 7}},
		{in: "5-5", want: []int{5}},
		{in: "8191", want: []int{8191}},
		{in: "", err: "empty list"},
		{in: "8192", err: "out of range"},
		{in: "3-1", err: "goes downwards"},
		{in: "1,", err: `"" is not a number`},
		{in: "-1", err: `"" is not a number`},
		{in: "1-", err: `"" is not a number`},
		{in: " 1", err: "not a number"},
		{in: "+1", err: "not a number"},
		{in: "0x1", err: "not a number"},
		{in: "1-2-3", err: "not a number"},
		{in: "99999999999999999999", err: "out of range"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, err := parseList(tc.in)
			wantErr(t, err, tc.err)
			if tc.err == "" && !slices.Equal(got, tc.want) {
				t.Fatalf("got %v, want %v", got, tc.want)
			}
		})
	}
}

func TestPersonalityValue(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    specs.LinuxPersonality
		want uintptr
		err  string
	}{
		{name: "linux", p: specs.LinuxPersonality{Domain: specs.PerLinux}, want: 0},
		{name: "linux32", p: specs.LinuxPersonality{Domain: specs.PerLinux32}, want: 8},
		{name: "lowercase", p: specs.LinuxPersonality{Domain: "linux32"}, err: `linux.personality.domain "linux32": unknown domain`},
		{name: "empty", p: specs.LinuxPersonality{}, err: "linux.personality.domain"},
		{name: "any flag", p: specs.LinuxPersonality{Domain: specs.PerLinux, Flags: []specs.LinuxPersonalityFlag{"ADDR_NO_RANDOMIZE"}},
			err: `linux.personality.flags "ADDR_NO_RANDOMIZE": no personality flags are supported`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := personalityValue(&tc.p)
			wantErr(t, err, tc.err)
			if tc.err == "" && got != tc.want {
				t.Fatalf("got %#x, want %#x", got, tc.want)
			}
		})
	}
}

func TestSchedAttr(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    specs.Scheduler
		want unix.SchedAttr // Size is filled in by the test
		err  string
	}{
		{name: "other with nice", s: specs.Scheduler{Policy: specs.SchedOther, Nice: -5},
			want: unix.SchedAttr{Policy: 0, Nice: -5}},
		{name: "batch", s: specs.Scheduler{Policy: specs.SchedBatch, Nice: 19}, want: unix.SchedAttr{Policy: 3, Nice: 19}},
		{name: "idle", s: specs.Scheduler{Policy: specs.SchedIdle}, want: unix.SchedAttr{Policy: 5}},
		{name: "iso is accepted (the kernel decides)", s: specs.Scheduler{Policy: specs.SchedISO}, want: unix.SchedAttr{Policy: 4}},
		{name: "fifo", s: specs.Scheduler{Policy: specs.SchedFIFO, Priority: 99}, want: unix.SchedAttr{Policy: 1, Priority: 99}},
		{name: "rr with flags", s: specs.Scheduler{Policy: specs.SchedRR, Priority: 1,
			Flags: []specs.LinuxSchedulerFlag{specs.SchedFlagResetOnFork, specs.SchedFlagUtilClampMax}},
			want: unix.SchedAttr{Policy: 2, Priority: 1, Flags: 0x41}},
		{name: "deadline", s: specs.Scheduler{Policy: specs.SchedDeadline, Runtime: 10e6, Deadline: 30e6, Period: 100e6},
			want: unix.SchedAttr{Policy: 6, Runtime: 10e6, Deadline: 30e6, Period: 100e6}},
		{name: "deadline without period", s: specs.Scheduler{Policy: specs.SchedDeadline, Runtime: 10e6, Deadline: 10e6},
			want: unix.SchedAttr{Policy: 6, Runtime: 10e6, Deadline: 10e6}},
		{name: "unknown policy", s: specs.Scheduler{Policy: "SCHED_NORMAL"}, err: `process.scheduler.policy "SCHED_NORMAL": unknown policy`},
		{name: "empty policy", s: specs.Scheduler{}, err: `process.scheduler.policy "": unknown policy`},
		{name: "unknown flag", s: specs.Scheduler{Policy: specs.SchedOther, Flags: []specs.LinuxSchedulerFlag{specs.SchedFlagReclaim, "SCHED_FLAG_ALL"}},
			err: `process.scheduler.flags[1] "SCHED_FLAG_ALL": unknown flag`},
		{name: "nice too low", s: specs.Scheduler{Policy: specs.SchedOther, Nice: -21}, err: "process.scheduler.nice -21: out of range"},
		{name: "nice too high", s: specs.Scheduler{Policy: specs.SchedBatch, Nice: 20}, err: "process.scheduler.nice 20: out of range"},
		{name: "fifo without priority", s: specs.Scheduler{Policy: specs.SchedFIFO}, err: "process.scheduler.priority 0: SCHED_FIFO needs a priority from 1 to 99"},
		{name: "rr priority 100", s: specs.Scheduler{Policy: specs.SchedRR, Priority: 100}, err: "process.scheduler.priority 100"},
		{name: "priority for other", s: specs.Scheduler{Policy: specs.SchedOther, Priority: 5}, err: "only SCHED_FIFO and SCHED_RR take a priority"},
		{name: "runtime for batch", s: specs.Scheduler{Policy: specs.SchedBatch, Runtime: 1}, err: "only for SCHED_DEADLINE, not SCHED_BATCH"},
		{name: "deadline without runtime", s: specs.Scheduler{Policy: specs.SchedDeadline, Deadline: 1e6}, err: "needs a runtime and a deadline"},
		{name: "runtime past deadline", s: specs.Scheduler{Policy: specs.SchedDeadline, Runtime: 2e6, Deadline: 1e6},
			err: "process.scheduler.runtime 2000000: longer than the deadline 1000000"},
		{name: "deadline past period", s: specs.Scheduler{Policy: specs.SchedDeadline, Runtime: 1e6, Deadline: 3e6, Period: 2e6},
			err: "process.scheduler.deadline 3000000: longer than the period 2000000"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := schedAttr(&tc.s)
			wantErr(t, err, tc.err)
			if tc.err != "" {
				return
			}
			tc.want.Size = unix.SizeofSchedAttr
			if *got != tc.want {
				t.Fatalf("got %+v, want %+v", *got, tc.want)
			}
		})
	}
}

func TestIOPrioValue(t *testing.T) {
	for _, tc := range []struct {
		name string
		p    specs.LinuxIOPriority
		want int
		err  string
	}{
		{name: "rt 0", p: specs.LinuxIOPriority{Class: specs.IOPRIO_CLASS_RT}, want: 1 << 13},
		{name: "be 4", p: specs.LinuxIOPriority{Class: specs.IOPRIO_CLASS_BE, Priority: 4}, want: 2<<13 | 4},
		{name: "idle 7", p: specs.LinuxIOPriority{Class: specs.IOPRIO_CLASS_IDLE, Priority: 7}, want: 3<<13 | 7},
		{name: "unknown class", p: specs.LinuxIOPriority{Class: "IOPRIO_CLASS_NONE"}, err: `process.ioPriority.class "IOPRIO_CLASS_NONE": unknown class`},
		{name: "priority 8", p: specs.LinuxIOPriority{Class: specs.IOPRIO_CLASS_BE, Priority: 8}, err: "process.ioPriority.priority 8: out of range (0 to 7)"},
		{name: "negative priority", p: specs.LinuxIOPriority{Class: specs.IOPRIO_CLASS_BE, Priority: -1}, err: "process.ioPriority.priority -1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ioprioValue(&tc.p)
			wantErr(t, err, tc.err)
			if tc.err == "" && got != tc.want {
				t.Fatalf("got %#x, want %#x", got, tc.want)
			}
		})
	}
}

func TestCPUSet(t *testing.T) {
	a := &specs.CPUAffinity{Initial: "0-2,5", Final: "1"}
	for _, tc := range []struct {
		name  string
		a     *specs.CPUAffinity
		phase Phase
		want  []int // nil: leave the affinity alone
		err   string
	}{
		{name: "initial", a: a, phase: PhaseInitial, want: []int{0, 1, 2, 5}},
		{name: "final", a: a, phase: PhaseFinal, want: []int{1}},
		{name: "empty final", a: &specs.CPUAffinity{Initial: "0"}, phase: PhaseFinal},
		{name: "empty initial", a: &specs.CPUAffinity{Final: "0"}, phase: PhaseInitial},
		{name: "bad phase", a: a, phase: "middle", err: `unknown phase "middle"`},
		{name: "bad list", a: &specs.CPUAffinity{Initial: "0-"}, phase: PhaseInitial, err: `process.execCPUAffinity.initial "0-"`},
		{name: "too many cpus", a: &specs.CPUAffinity{Final: "1024"}, phase: PhaseFinal, err: "CPU 1024 is out of range"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, ok, err := cpuSet(tc.a, tc.phase)
			wantErr(t, err, tc.err)
			if ok != (tc.want != nil) {
				t.Fatalf("ok = %v, want %v", ok, tc.want != nil)
			}
			var want unix.CPUSet
			for _, c := range tc.want {
				want.Set(c)
			}
			if set != want {
				t.Fatalf("got %v, want CPUs %v", set, tc.want)
			}
		})
	}
}

func TestParseMemoryPolicy(t *testing.T) {
	for _, tc := range []struct {
		name  string
		m     specs.LinuxMemoryPolicy
		mode  int
		nodes []uint64
		err   string
	}{
		{name: "default", m: specs.LinuxMemoryPolicy{Mode: specs.MpolDefault}, mode: unix.MPOL_DEFAULT},
		{name: "local", m: specs.LinuxMemoryPolicy{Mode: specs.MpolLocal}, mode: unix.MPOL_LOCAL},
		{name: "preferred without nodes", m: specs.LinuxMemoryPolicy{Mode: specs.MpolPreferred}, mode: unix.MPOL_PREFERRED},
		{name: "preferred node 1", m: specs.LinuxMemoryPolicy{Mode: specs.MpolPreferred, Nodes: "1"}, mode: unix.MPOL_PREFERRED, nodes: []uint64{2}},
		{name: "bind", m: specs.LinuxMemoryPolicy{Mode: specs.MpolBind, Nodes: "0-2,5"}, mode: unix.MPOL_BIND, nodes: []uint64{0x27}},
		{name: "interleave static, node 64", m: specs.LinuxMemoryPolicy{Mode: specs.MpolInterleave, Nodes: "2-3,64",
			Flags: []specs.MemoryPolicyFlagType{specs.MpolFStaticNodes}},
			mode: unix.MPOL_INTERLEAVE | unix.MPOL_F_STATIC_NODES, nodes: []uint64{0xc, 1}},
		{name: "bind balancing", m: specs.LinuxMemoryPolicy{Mode: specs.MpolBind, Nodes: "0",
			Flags: []specs.MemoryPolicyFlagType{specs.MpolFNumaBalancing}},
			mode: unix.MPOL_BIND | unix.MPOL_F_NUMA_BALANCING, nodes: []uint64{1}},
		{name: "unknown mode", m: specs.LinuxMemoryPolicy{Mode: "MPOL_RANDOM"}, err: `linux.memoryPolicy.mode "MPOL_RANDOM": unknown mode`},
		{name: "unknown flag", m: specs.LinuxMemoryPolicy{Mode: specs.MpolBind, Nodes: "0", Flags: []specs.MemoryPolicyFlagType{"MPOL_F_LAZY"}},
			err: `linux.memoryPolicy.flags[0] "MPOL_F_LAZY": unknown flag`},
		{name: "static and relative", m: specs.LinuxMemoryPolicy{Mode: specs.MpolBind, Nodes: "0",
			Flags: []specs.MemoryPolicyFlagType{specs.MpolFStaticNodes, specs.MpolFRelativeNodes}}, err: "exclude each other"},
		{name: "default with nodes", m: specs.LinuxMemoryPolicy{Mode: specs.MpolDefault, Nodes: "0"},
			err: `linux.memoryPolicy.nodes "0": MPOL_DEFAULT takes no nodes`},
		{name: "bind without nodes", m: specs.LinuxMemoryPolicy{Mode: specs.MpolBind},
			err: "linux.memoryPolicy.nodes: MPOL_BIND needs at least one node"},
		{name: "bad nodes", m: specs.LinuxMemoryPolicy{Mode: specs.MpolInterleave, Nodes: "a"}, err: `linux.memoryPolicy.nodes "a": "a" is not a number`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := parseMemoryPolicy(&tc.m)
			wantErr(t, err, tc.err)
			if tc.err != "" {
				return
			}
			if got.mode != tc.mode || !slices.Equal(got.nodes, tc.nodes) {
				t.Fatalf("got mode %#x nodes %#x, want %#x %#x", got.mode, got.nodes, tc.mode, tc.nodes)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	good := func() *specs.Spec {
		return &specs.Spec{
			Process: &specs.Process{
				Scheduler:       &specs.Scheduler{Policy: specs.SchedBatch},
				IOPriority:      &specs.LinuxIOPriority{Class: specs.IOPRIO_CLASS_BE},
				ExecCPUAffinity: &specs.CPUAffinity{Initial: "0-1", Final: "1"},
			},
			Linux: &specs.Linux{
				Personality:  &specs.LinuxPersonality{Domain: specs.PerLinux32},
				MemoryPolicy: &specs.LinuxMemoryPolicy{Mode: specs.MpolBind, Nodes: "0"},
			},
		}
	}
	for _, tc := range []struct {
		name   string
		modify func(s *specs.Spec)
		err    string
	}{
		{name: "all good", modify: func(*specs.Spec) {}},
		{name: "nothing set", modify: func(s *specs.Spec) { *s = specs.Spec{} }},
		{name: "scheduler", modify: func(s *specs.Spec) { s.Process.Scheduler.Nice = 99 }, err: "process.scheduler.nice 99"},
		{name: "ioPriority", modify: func(s *specs.Spec) { s.Process.IOPriority.Priority = 9 }, err: "process.ioPriority.priority 9"},
		{name: "execCPUAffinity final", modify: func(s *specs.Spec) { s.Process.ExecCPUAffinity.Final = "x" },
			err: `process.execCPUAffinity.final "x"`},
		{name: "personality", modify: func(s *specs.Spec) { s.Linux.Personality.Domain = "" }, err: "linux.personality.domain"},
		{name: "memoryPolicy", modify: func(s *specs.Spec) { s.Linux.MemoryPolicy.Nodes = "" }, err: "linux.memoryPolicy.nodes"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := good()
			tc.modify(s)
			wantErr(t, Check(s), tc.err)
		})
	}
}
