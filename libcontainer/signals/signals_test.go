package signals

import (
	"os"
	"slices"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in      string
		want    unix.Signal
		wantErr string
	}{
		{in: "KILL", want: unix.SIGKILL},
		{in: "SIGKILL", want: unix.SIGKILL},
		{in: "kill", want: unix.SIGKILL},
		{in: "sigkill", want: unix.SIGKILL},
		{in: "Sigterm", want: unix.SIGTERM},
		{in: "usr1", want: unix.SIGUSR1},
		{in: "WINCH", want: unix.SIGWINCH},
		{in: "9", want: unix.SIGKILL},
		{in: "15", want: unix.SIGTERM},
		{in: "0", want: 0},
		{in: "34", want: 34},
		{in: "64", want: 64},
		{in: "65", wantErr: `unknown signal "65"`},
		{in: "-1", wantErr: `unknown signal "-1"`},
		{in: "FOO", wantErr: `unknown signal "FOO"`},
		{in: "", wantErr: `unknown signal ""`},
		{in: "SIG", wantErr: `unknown signal "SIG"`},
		{in: " 9", wantErr: `unknown signal " 9"`},
		{in: "0x9", wantErr: `unknown signal "0x9"`},
		{in: "RTMIN+1", wantErr: `unknown signal "RTMIN+1"`},
		{in: "SIGIOT", wantErr: `unknown signal "SIGIOT"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := Parse(tt.in)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Fatalf("Parse(%q) = %v, %v; want error %q", tt.in, got, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("Parse(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestForwardedSignals(t *testing.T) {
	tests := []struct {
		name string
		in   []unix.Signal
		out  []unix.Signal
	}{
		{"every catchable signal but berth's own",
			[]unix.Signal{unix.SIGTERM, unix.SIGINT, unix.SIGHUP, unix.SIGUSR1, unix.SIGQUIT, unix.SIGTSTP, 34, 64},
			[]unix.Signal{unix.SIGWINCH, unix.SIGCHLD, unix.SIGURG, unix.SIGPIPE, unix.SIGKILL, unix.SIGSTOP, 32, 33}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sigs := forwardedSignals()
			for _, s := range tt.in {
				if !slices.Contains(sigs, os.Signal(s)) {
					t.Errorf("%v not forwarded", s)
				}
			}
			for _, s := range tt.out {
				if slices.Contains(sigs, os.Signal(s)) {
					t.Errorf("%v forwarded", s)
				}
			}
		})
	}
}

func TestSplit(t *testing.T) {
	first, rest := split()
	if len(first)+len(rest) != len(forwardedSignals()) {
		t.Errorf("split into %d + %d signals, want %d", len(first), len(rest), len(forwardedSignals()))
	}
	tests := []struct {
		sig       unix.Signal
		urgent    bool
		forwarded bool
	}{
		{unix.SIGTERM, true, true}, {unix.SIGINT, true, true}, {unix.SIGHUP, true, true},
		{unix.SIGQUIT, true, true}, {unix.SIGTSTP, true, true}, {unix.SIGSYS, true, true},
		{unix.SIGUSR1, false, true}, {unix.SIGALRM, false, true}, {unix.SIGCONT, false, true},
		{35, false, true}, {64, false, true},
		{unix.SIGWINCH, false, false}, {unix.SIGCHLD, false, false},
	}
	for _, tt := range tests {
		atOnce, later := slices.Contains(first, os.Signal(tt.sig)), slices.Contains(rest, os.Signal(tt.sig))
		if atOnce != tt.urgent || later != (tt.forwarded && !tt.urgent) {
			t.Errorf("%v: caught at once %v, later %v; want %v, %v", tt.sig, atOnce, later, tt.urgent, tt.forwarded && !tt.urgent)
		}
	}
}

// expectForwarded collects n signals from got, which must be want (in any order: signals to
// oneself arrive in order of delivery, not necessarily of sending).
func expectForwarded(t *testing.T, got <-chan unix.Signal, want ...unix.Signal) {
	t.Helper()
	seen := map[unix.Signal]bool{}
	for len(seen) < len(want) {
		select {
		case s := <-got:
			seen[s] = true
		case <-time.After(2 * time.Second):
			t.Fatalf("forwarded only %v, want %v", seen, want)
		}
	}
	for _, s := range want {
		if !seen[s] {
			t.Errorf("forwarded %v, want %v", seen, want)
		}
	}
}

// expectNothing checks that nothing more is forwarded for a while.
func expectNothing(t *testing.T, got <-chan unix.Signal, when string) {
	t.Helper()
	select {
	case s := <-got:
		t.Errorf("%v forwarded %s", s, when)
	case <-time.After(50 * time.Millisecond):
	}
}

func kill(t *testing.T, sigs ...unix.Signal) {
	t.Helper()
	for _, s := range sigs {
		if err := unix.Kill(os.Getpid(), s); err != nil {
			t.Fatal(err)
		}
	}
}

func TestForward(t *testing.T) {
	got := make(chan unix.Signal, 8)
	r := Forward(func(s unix.Signal) error { got <- s; return nil })

	// The urgent signals are caught at once; the others are ignored (by the Go runtime) until
	// CatchRest: not forwarded, and not fatal either.
	kill(t, unix.SIGHUP)
	expectForwarded(t, got, unix.SIGHUP)
	kill(t, unix.SIGUSR1)
	expectNothing(t, got, "before CatchRest")

	r.CatchRest()
	kill(t, unix.SIGUSR1, unix.SIGWINCH, unix.SIGUSR2)
	expectForwarded(t, got, unix.SIGUSR1, unix.SIGUSR2)
	expectNothing(t, got, "(SIGWINCH is berth's own)")
	r.Stop()
	r.Stop() // idempotent

	// After Stop nothing more is forwarded, and a signal does not kill berth either (it is
	// finishing its clean-up): SIGTERM's default action would end the test binary here.
	kill(t, unix.SIGTERM)
	expectNothing(t, got, "after Stop")
}
