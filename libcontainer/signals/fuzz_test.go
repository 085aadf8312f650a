package signals

import (
	"strings"
	"testing"
)

// FuzzParse: any string is a signal or an error, never a panic; what parses is a signal number
// (0 included: kill's "is it there" probe) and parses again from its number.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"KILL", "SIGTERM", "15", "RTMIN+3", "SIGRTMAX-1", "0", "65", "-1", "sigkill", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		sig, err := Parse(s)
		if err != nil {
			return
		}
		if sig < 0 || sig > 64 {
			t.Fatalf("Parse(%q) = %d, not a signal", s, sig)
		}
		if again, err := Parse(strings.TrimSpace(itoa(int(sig)))); err != nil || again != sig {
			t.Fatalf("Parse(%d) = %d, %v after Parse(%q)", sig, again, err, s)
		}
	})
}

func itoa(n int) string {
	var b []byte
	for n > 0 || len(b) == 0 {
		b = append([]byte{byte('0' + n%10)}, b...)
		n /= 10
	}
	return string(b)
}
