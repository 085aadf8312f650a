package sys

import (
	"os"
	"testing"
)

func TestParseProcStat(t *testing.T) {
	tests := []struct {
		name    string
		text    string
		want    ProcStat
		wantErr bool
	}{
		{"plain", "42 (sh) S 1 42 42 0 -1 4194560 100 0 0 0 0 0 0 0 20 0 1 0 12345 1000 10", ProcStat{'S', 12345}, false},
		{"name with spaces and parens", "7 (a b) c)) Z 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 999 0 0", ProcStat{'Z', 999}, false},
		{"truncated", "7 (x) S 1 2 3", ProcStat{}, true},
		{"no command", "garbage", ProcStat{}, true},
		{"bad start time", "7 (x) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 abc 0 0", ProcStat{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseProcStat(tt.text)
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestReadProcStatSelf(t *testing.T) {
	st, err := ReadProcStat(os.Getpid())
	if err != nil {
		t.Fatal(err)
	}
	if st.Dead() || st.StartTime == 0 {
		t.Fatalf("own process reads as %+v", st)
	}
	if _, err := ReadProcStat(-5); err != ErrNoProcess {
		t.Fatalf("bogus pid: err = %v, want ErrNoProcess", err)
	}
}
