package sched

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/berth-runtime/berth/libcontainer/internal/testutil"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// The tests below change attributes of the calling thread, so each runs in a child: the test
// binary re-executed with childEnv naming the case and childArg holding its config as JSON.
// The child applies the config on its locked main thread, reads the attribute back through
// the kernel's own getter and prints it; a failure is printed as "error: ..." with exit 1.
const (
	childEnv = "BERTH_SCHED_TEST_CHILD"
	childArg = "BERTH_SCHED_TEST_ARG"
)

var childCases = map[string]func(arg []byte) (string, error){
	"personality": func(arg []byte) (string, error) {
		var p specs.LinuxPersonality
		if err := applyJSON(arg, &p, func() error { return SetPersonality(&p) }); err != nil {
			return "", err
		}
		v, err := Personality()
		if err != nil {
			return "", err
		}
		// Prove that execve keeps it: uname prints the machine of the new personality.
		fmt.Printf("%#x\n", v)
		return "", syscall.Exec("/bin/uname", []string{"uname", "-m"}, nil)
	},
	"scheduler": func(arg []byte) (string, error) {
		var s specs.Scheduler
		if err := applyJSON(arg, &s, func() error { return SetScheduler(&s) }); err != nil {
			return "", err
		}
		a, err := unix.SchedGetAttr(0, 0)
		if err != nil {
			return "", err
		}
		out := fmt.Sprintf("policy=%d nice=%d prio=%d flags=%#x", a.Policy, a.Nice, a.Priority, a.Flags)
		if a.Policy == unix.SCHED_DEADLINE {
			// Only then: since Linux 6.12 the runtime of a fair task reports its time slice.
			out += fmt.Sprintf(" runtime=%d deadline=%d period=%d", a.Runtime, a.Deadline, a.Period)
		}
		return out, nil
	},
	"ioprio": func(arg []byte) (string, error) {
		var p specs.LinuxIOPriority
		if err := applyJSON(arg, &p, func() error { return SetIOPriority(&p) }); err != nil {
			return "", err
		}
		class, level, err := IOPriority()
		return fmt.Sprintf("class=%d level=%d", class, level), err
	},
	"affinity": func(arg []byte) (string, error) {
		var a specs.CPUAffinity
		var got []string
		for _, phase := range []Phase{PhaseInitial, PhaseFinal} {
			if err := applyJSON(arg, &a, func() error { return SetExecCPUAffinity(&a, phase) }); err != nil {
				return "", err
			}
			var set unix.CPUSet
			if err := unix.SchedGetaffinity(0, &set); err != nil {
				return "", err
			}
			got = append(got, fmt.Sprintf("%s=%s", phase, formatCPUs(&set)))
		}
		return strings.Join(got, " "), nil
	},
	"mempolicy": func(arg []byte) (string, error) {
		var m specs.LinuxMemoryPolicy
		if err := applyJSON(arg, &m, func() error { return SetMemoryPolicy(&m) }); err != nil {
			return "", err
		}
		mode, nodes, err := MemoryPolicy()
		return fmt.Sprintf("mode=%#x nodes=%#x", mode, nodes), err
	},
}

func applyJSON(arg []byte, v any, apply func() error) error {
	if err := json.Unmarshal(arg, v); err != nil {
		return err
	}
	return apply()
}

func formatCPUs(set *unix.CPUSet) string {
	var cpus []string
	for i := 0; i < cpuSetBits; i++ {
		if set.IsSet(i) {
			cpus = append(cpus, fmt.Sprint(i))
		}
	}
	return strings.Join(cpus, ",")
}

func TestMain(m *testing.M) {
	testutil.ReexecMain(m, childEnv, func(name string) int {
		out, err := childCases[name]([]byte(os.Getenv(childArg)))
		if err != nil {
			fmt.Println("error:", err)
			return 1
		}
		fmt.Println(out)
		return 0
	})
}

// runChild runs case name with cfg in a fresh child and returns what it printed.
func runChild(t *testing.T, name string, cfg any) (string, error) {
	t.Helper()
	arg, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+name, childArg+"="+string(arg))
	out, err := cmd.CombinedOutput()
	return strings.TrimSpace(string(out)), err
}

// childTest is one case for runChild: the output wanted, or (when fails) a part of the error.
type childTest struct {
	name  string
	cfg   any
	root  bool
	want  string
	fails bool
}

func runChildTests(t *testing.T, child string, tests []childTest) {
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.root {
				testutil.RequireRoot(t)
			}
			out, err := runChild(t, child, tc.cfg)
			if tc.fails {
				if err == nil || !strings.Contains(out, tc.want) {
					t.Fatalf("want a failure containing %q, got %v: %s", tc.want, err, out)
				}
				return
			}
			if err != nil || out != tc.want {
				t.Fatalf("got %q (%v), want %q", out, err, tc.want)
			}
		})
	}
}

func TestSetPersonality(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("the uname check knows x86_64 only")
	}
	runChildTests(t, "personality", []childTest{
		{name: "LINUX32", cfg: specs.LinuxPersonality{Domain: specs.PerLinux32}, want: "0x8\ni686"},
		{name: "LINUX", cfg: specs.LinuxPersonality{Domain: specs.PerLinux}, want: "0x0\nx86_64"},
		{name: "bad domain", cfg: specs.LinuxPersonality{Domain: "BSD"}, fails: true, want: `error: linux.personality.domain "BSD"`},
	})
}

func TestSetScheduler(t *testing.T) {
	runChildTests(t, "scheduler", []childTest{
		{name: "batch nice 5", cfg: specs.Scheduler{Policy: specs.SchedBatch, Nice: 5},
			want: "policy=3 nice=5 prio=0 flags=0x0"},
		{name: "idle reset on fork", cfg: specs.Scheduler{Policy: specs.SchedIdle, Flags: []specs.LinuxSchedulerFlag{specs.SchedFlagResetOnFork}},
			want: "policy=5 nice=0 prio=0 flags=0x1"},
		{name: "other nice -5", root: true, cfg: specs.Scheduler{Policy: specs.SchedOther, Nice: -5},
			want: "policy=0 nice=-5 prio=0 flags=0x0"},
		{name: "rr 10", root: true, cfg: specs.Scheduler{Policy: specs.SchedRR, Priority: 10},
			want: "policy=2 nice=0 prio=10 flags=0x0"},
		{name: "fifo 1", root: true, cfg: specs.Scheduler{Policy: specs.SchedFIFO, Priority: 1},
			want: "policy=1 nice=0 prio=1 flags=0x0"},
		{name: "deadline", root: true, cfg: specs.Scheduler{Policy: specs.SchedDeadline, Runtime: 1e6, Deadline: 10e6, Period: 100e6,
			Flags: []specs.LinuxSchedulerFlag{specs.SchedFlagResetOnFork}},
			want: "policy=6 nice=0 prio=0 flags=0x1 runtime=1000000 deadline=10000000 period=100000000"},
		{name: "iso is not in Linux", cfg: specs.Scheduler{Policy: specs.SchedISO}, fails: true,
			want: `error: process.scheduler.policy "SCHED_ISO": not implemented by Linux`},
		{name: "bad nice", cfg: specs.Scheduler{Policy: specs.SchedOther, Nice: 40}, fails: true, want: "error: process.scheduler.nice 40"},
	})
}

func TestSetIOPriority(t *testing.T) {
	runChildTests(t, "ioprio", []childTest{
		{name: "best effort 6", cfg: specs.LinuxIOPriority{Class: specs.IOPRIO_CLASS_BE, Priority: 6}, want: "class=2 level=6"},
		{name: "idle", cfg: specs.LinuxIOPriority{Class: specs.IOPRIO_CLASS_IDLE}, want: "class=3 level=0"},
		{name: "realtime 3", root: true, cfg: specs.LinuxIOPriority{Class: specs.IOPRIO_CLASS_RT, Priority: 3}, want: "class=1 level=3"},
		{name: "bad class", cfg: specs.LinuxIOPriority{Class: "RT"}, fails: true, want: `error: process.ioPriority.class "RT"`},
	})
}

func TestSetExecCPUAffinity(t *testing.T) {
	if runtime.NumCPU() < 2 {
		t.Skip("needs two CPUs")
	}
	runChildTests(t, "affinity", []childTest{
		{name: "initial then final", cfg: specs.CPUAffinity{Initial: "0-1", Final: "1"}, want: "initial=0,1 final=1"},
		{name: "only initial", cfg: specs.CPUAffinity{Initial: "0"}, want: "initial=0 final=0"},
		{name: "cpu that does not exist", cfg: specs.CPUAffinity{Initial: "1000"}, fails: true,
			want: "error: process.execCPUAffinity.initial: sched_setaffinity: invalid argument"},
	})
}

func TestSetMemoryPolicy(t *testing.T) {
	if _, err := os.Stat("/sys/devices/system/node/node0"); err != nil {
		t.Skip("no NUMA node 0")
	}
	runChildTests(t, "mempolicy", []childTest{
		{name: "bind 0", cfg: specs.LinuxMemoryPolicy{Mode: specs.MpolBind, Nodes: "0"}, want: "mode=0x2 nodes=0x1"},
		{name: "interleave 0 static", cfg: specs.LinuxMemoryPolicy{Mode: specs.MpolInterleave, Nodes: "0",
			Flags: []specs.MemoryPolicyFlagType{specs.MpolFStaticNodes}}, want: "mode=0x8003 nodes=0x1"},
		{name: "preferred 0", cfg: specs.LinuxMemoryPolicy{Mode: specs.MpolPreferred, Nodes: "0"}, want: "mode=0x1 nodes=0x1"},
		{name: "local", cfg: specs.LinuxMemoryPolicy{Mode: specs.MpolLocal}, want: "mode=0x4 nodes=0x0"},
		{name: "default", cfg: specs.LinuxMemoryPolicy{Mode: specs.MpolDefault}, want: "mode=0x0 nodes=0x0"},
		{name: "node that does not exist", cfg: specs.LinuxMemoryPolicy{Mode: specs.MpolBind, Nodes: "1000"}, fails: true,
			want: `error: linux.memoryPolicy MPOL_BIND "1000": set_mempolicy: invalid argument`},
	})
}
