package sys

import "testing"

// TestPeakRSSKiB: once the test has touched 64 MiB, its peak RSS is at least that.
func TestPeakRSSKiB(t *testing.T) {
	if got := PeakRSSKiB(); got < 1024 {
		t.Fatalf("peak RSS %d KiB, want at least 1 MiB for a Go test binary", got)
	}
	b := make([]byte, 64<<20)
	for i := 0; i < len(b); i += 4096 {
		b[i] = 1
	}
	if got := PeakRSSKiB(); got < 64<<10 {
		t.Errorf("peak RSS %d KiB after touching 64 MiB", got)
	}
	f, err := OpenStatus()
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := StatusPeakRSSKiB(f); got < 64<<10 {
		t.Errorf("peak RSS %d KiB through an open status file, after touching 64 MiB", got)
	}
	if got := StatusPeakRSSKiB(nil); got != 0 {
		t.Errorf("StatusPeakRSSKiB(nil) = %d", got)
	}
	_ = b[len(b)-1]
}

func TestStatusKiB(t *testing.T) {
	status := "Name:\tberth\nVmPeak:\t  812 kB\nVmHWM:\t   11732 kB\nVmRSS:\t 9000 kB\n"
	tests := []struct {
		key  string
		want int64
	}{
		{"VmHWM:", 11732},
		{"VmRSS:", 9000},
		{"VmPeak:", 812},
		{"VmSwap:", 0},
		{"Name:", 0},
	}
	for _, tt := range tests {
		if got := statusKiB([]byte(status), tt.key); got != tt.want {
			t.Errorf("statusKiB(%q) = %d, want %d", tt.key, got, tt.want)
		}
	}
}
