package main

import (
	"reflect"
	"testing"
)

func TestProcessLines(t *testing.T) {
	const psOut = `UID        PID  PPID  C STIME TTY          TIME CMD
root         1     0  0 19:00 ?        00:00:01 /sbin/init
root       100     1  0 19:07 ?        00:00:00 sh -c sleep 100 & wait
root       101   100  0 19:07 ?        00:00:00 sleep 100
root      1000     1  0 19:07 ?        00:00:00 other 100
`
	for _, tc := range []struct {
		name    string
		out     string
		pids    []int
		want    []string
		wantErr bool
	}{
		{"keeps header and the container's lines", psOut, []int{100, 101}, []string{
			"UID        PID  PPID  C STIME TTY          TIME CMD",
			"root       100     1  0 19:07 ?        00:00:00 sh -c sleep 100 & wait",
			"root       101   100  0 19:07 ?        00:00:00 sleep 100",
		}, false},
		{"no processes: header only", psOut, nil, []string{"UID        PID  PPID  C STIME TTY          TIME CMD"}, false},
		{"pid in another column", "  PID COMMAND\n   12 x\n  100 y\n", []int{100}, []string{"  PID COMMAND", "  100 y"}, false},
		{"no PID column", "COMMAND\nsh\n", []int{1}, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := processLines(tc.out, tc.pids)
			if (err != nil) != tc.wantErr {
				t.Fatalf("error = %v, want error %v", err, tc.wantErr)
			}
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("lines:\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

func TestPsArgs(t *testing.T) {
	for _, tc := range []struct {
		in, want []string
	}{
		{nil, []string{"-ef"}},
		{[]string{"--"}, []string{"-ef"}},
		{[]string{"--", "-o", "pid,comm"}, []string{"-o", "pid,comm"}},
		{[]string{"aux"}, []string{"aux"}},
	} {
		if got := psArgs(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("psArgs(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
