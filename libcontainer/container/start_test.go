package container

import (
	"errors"
	"testing"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/berth-runtime/berth/libcontainer/protocol"
	"github.com/berth-runtime/berth/libcontainer/state"
)

// TestAwaitExec: start stops waiting where init announces its execve, unless it must see the
// exec through (poststart hooks, run in the foreground); then only EOF or an error ends the
// wait, and the error of a failed execve reaches it.
func TestAwaitExec(t *testing.T) {
	errExec := errors.New(`exec "/bad": exec format error`)
	tests := []struct {
		name      string
		untilExec bool
		init      []protocol.Message // what init sends after execing; the socket then closes
		want      error              // nil: success
		returnsAt string             // "execing": before init closes its end; "end": after
	}{
		{"start returns at the announcement", false, nil, nil, "execing"},
		{"untilExec: waits for the close", true, nil, nil, "end"},
		{"untilExec: a failed execve is the error", true, []protocol.Message{{Kind: protocol.KindError, Error: errExec.Error()}}, errExec, "end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			host, child, err := socketpair()
			if err != nil {
				t.Fatal(err)
			}
			defer host.Close()
			c := &Container{state: &state.State{ID: "t", Config: &specs.Spec{}}}
			if err := protocol.Send(child, &protocol.Message{Kind: protocol.KindExecing}); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- c.awaitExec(host, state.Created, tt.untilExec) }()
			if tt.returnsAt == "execing" {
				select {
				case err := <-done:
					if err != nil {
						t.Fatalf("awaitExec = %v, want nil", err)
					}
				case <-time.After(10 * time.Second):
					t.Fatal("awaitExec still waits although init announced its execve")
				}
				child.Close()
				return
			}
			select {
			case err := <-done:
				t.Fatalf("awaitExec returned (%v) before init's end closed", err)
			case <-time.After(100 * time.Millisecond):
			}
			for i := range tt.init {
				if err := protocol.Send(child, &tt.init[i]); err != nil {
					t.Fatal(err)
				}
			}
			child.Close()
			err = <-done
			if (err == nil) != (tt.want == nil) || err != nil && err.Error() != tt.want.Error() {
				t.Fatalf("awaitExec = %v, want %v", err, tt.want)
			}
		})
	}
}
