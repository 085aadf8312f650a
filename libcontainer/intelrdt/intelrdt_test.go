package intelrdt

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

const (
	procMount    = "22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n"
	resctrlMount = "40 22 0:35 / /sys/fs/resctrl rw,relatime shared:20 - resctrl resctrl rw\n"
)

func TestCheckResctrl(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	withRdt := write("fs-with", "nodev\tproc\nnodev\tresctrl\n\text4\n")
	withoutRdt := write("fs-without", "nodev\tproc\n\text4\n")
	mounted := write("mi-with", procMount+resctrlMount)
	unmounted := write("mi-without", procMount)
	for _, tc := range []struct {
		name, fs, mounts, err string
	}{
		{name: "mounted", fs: withRdt, mounts: mounted},
		{name: "kernel without resctrl", fs: withoutRdt, mounts: unmounted, err: "linux.intelRdt: resctrl is not available on this host"},
		{name: "not mounted", fs: withRdt, mounts: unmounted, err: "linux.intelRdt: resctrl is not available on this host: it is not mounted"},
		{name: "unreadable", fs: filepath.Join(dir, "missing"), mounts: mounted, err: "linux.intelRdt: open "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := checkResctrl(tc.fs, tc.mounts)
			switch {
			case tc.err == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tc.err != "" && (err == nil || !strings.HasPrefix(err.Error(), tc.err)):
				t.Fatalf("error %v, want one starting %q", err, tc.err)
			}
		})
	}
}

func TestCheckWithoutIntelRdt(t *testing.T) {
	for _, s := range []*specs.Spec{{}, {Linux: &specs.Linux{}}} {
		if err := Check(s); err != nil {
			t.Fatalf("a config without linux.intelRdt failed: %v", err)
		}
	}
}

// TestCheckThisHost holds on a host without resctrl, like the VMs this project runs on.
func TestCheckThisHost(t *testing.T) {
	fs, _ := os.ReadFile("/proc/filesystems")
	if strings.Contains(string(fs), "resctrl") {
		t.Skip("this kernel has resctrl")
	}
	err := Check(&specs.Spec{Linux: &specs.Linux{IntelRdt: &specs.LinuxIntelRdt{ClosID: "x"}}})
	if err == nil || err.Error() != "linux.intelRdt: resctrl is not available on this host" {
		t.Fatalf("got %v", err)
	}
}
