package signals

import (
	"os"
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
	has := func(sigs []os.Signal, s unix.Signal) bool {
		for _, x := range sigs {
			if x == s {
				return true
			}
		}
		return false
	}
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
				if !has(sigs, s) {
					t.Errorf("%v not forwarded", s)
				}
			}
			for _, s := range tt.out {
				if has(sigs, s) {
					t.Errorf("%v forwarded", s)
				}
			}
		})
	}
}

func TestForward(t *testing.T) {
	got := make(chan unix.Signal, 8)
	stop := Forward(func(s unix.Signal) error { got <- s; return nil })

	for _, s := range []unix.Signal{unix.SIGUSR1, unix.SIGWINCH, unix.SIGUSR2} {
		if err := unix.Kill(os.Getpid(), s); err != nil {
			t.Fatal(err)
		}
	}
	// Signals to oneself arrive in order of delivery, not necessarily of sending: collect two.
	seen := map[unix.Signal]bool{}
	for len(seen) < 2 {
		select {
		case s := <-got:
			if s == unix.SIGWINCH {
				t.Errorf("SIGWINCH forwarded")
			}
			seen[s] = true
		case <-time.After(2 * time.Second):
			t.Fatalf("forwarded only %v", seen)
		}
	}
	if !seen[unix.SIGUSR1] || !seen[unix.SIGUSR2] {
		t.Errorf("forwarded %v, want SIGUSR1 and SIGUSR2", seen)
	}
	stop()
	stop() // idempotent

	// After stop nothing more is forwarded, and a signal does not kill berth either (it is
	// finishing its clean-up): SIGTERM's default action would end the test binary here.
	if err := unix.Kill(os.Getpid(), unix.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case s := <-got:
		t.Errorf("%v forwarded after stop", s)
	case <-time.After(50 * time.Millisecond):
	}
}
