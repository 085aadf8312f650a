package protocol

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	var buf bytes.Buffer
	msgs := []*Message{
		{Type: TypePid, Pid: 42},
		{Type: TypeConfig, Config: &InitConfig{Rootfs: "/r", PreserveFds: 2}},
		{Type: TypeIDMap, Mount: 7},
		{Type: TypeIDMapDone},
		{Type: TypeReady},
	}
	for _, m := range msgs {
		if err := Send(&buf, m); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range msgs {
		got, err := Receive(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if got.Type != want.Type || got.Pid != want.Pid || got.Mount != want.Mount {
			t.Fatalf("got %+v, want %+v", got, want)
		}
	}
	if _, err := Receive(&buf); !errors.Is(err, ErrClosed) {
		t.Fatalf("at end: %v, want ErrClosed", err)
	}
}

func frame(n uint32, body string) *bytes.Buffer {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, n)
	b.WriteString(body)
	return &b
}

func TestReceiveRefusesBadFrames(t *testing.T) {
	tests := []struct {
		name, body string
		n          uint32
		want       string
	}{
		{"oversized length", "", MaxFrame + 1, "refused"},
		{"zero length", "", 0, "refused"},
		{"short body", `{"type":"x"}`, 100, "read message body"},
		{"not json", "nope", 4, "decode"},
		{"no type", `{"pid":1}`, 9, "without a type"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Receive(frame(tt.n, tt.body))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestExpect(t *testing.T) {
	var buf bytes.Buffer
	Send(&buf, &Message{Type: TypeError, Error: "mounts[1] destination \"/x\": boom"})
	Send(&buf, &Message{Type: TypeHooks})
	_, err := Expect(&buf, TypeReady)
	var re RemoteError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "mounts[1]") {
		t.Fatalf("error frame: %v", err)
	}
	if _, err := Expect(&buf, TypeReady); err == nil || !strings.Contains(err.Error(), "hooks") {
		t.Fatalf("wrong type: %v", err)
	}
}

func TestSendRefusesOversizedFrames(t *testing.T) {
	var buf bytes.Buffer
	big := &Message{Type: TypeError, Error: strings.Repeat("x", MaxFrame)}
	if err := Send(&buf, big); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("err = %v, want ErrTooLarge", err)
	}
	if buf.Len() != 0 {
		t.Fatal("part of an oversized frame was written")
	}
}
