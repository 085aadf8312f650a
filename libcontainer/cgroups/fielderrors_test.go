package cgroups

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"
	"testing"
)

func TestNameField(t *testing.T) {
	// What the library returns: cgroups.WriteFile's wrapper around the *os.PathError of write.
	libErr := func(file, data string, errno syscall.Errno) error {
		return fmt.Errorf("failed to write %q: %w", data,
			&fs.PathError{Op: "write", Path: "/sys/fs/cgroup/x/c1/" + file, Err: errno})
	}
	tests := []struct {
		name string
		in   error
		want string
	}{
		{"cpuset outside the host", fmt.Errorf("create cgroup: %w", libErr("cpuset.cpus", "0-63", syscall.ERANGE)),
			`linux.resources.cpu.cpus: the kernel refused it: create cgroup: failed to write "0-63": ` +
				`write /sys/fs/cgroup/x/c1/cpuset.cpus: numerical result out of range`},
		{"v2 memory.max", libErr("memory.max", "1", syscall.EBUSY),
			`linux.resources.memory.limit: the kernel refused it: failed to write "1": ` +
				`write /sys/fs/cgroup/x/c1/memory.max: device or resource busy`},
		{"realtime runtime", libErr("cpu.rt_runtime_us", "999999", syscall.EINVAL),
			`linux.resources.cpu.realtimeRuntime: the kernel refused it: failed to write "999999": ` +
				`write /sys/fs/cgroup/x/c1/cpu.rt_runtime_us: invalid argument`},
		{"hugetlb by page size", libErr("hugetlb.2MB.limit_in_bytes", "1", syscall.EINVAL),
			`linux.resources.hugepageLimits: the kernel refused it: failed to write "1": ` +
				`write /sys/fs/cgroup/x/c1/hugetlb.2MB.limit_in_bytes: invalid argument`},
		{"a file of no field is left alone", libErr("cgroup.procs", "1", syscall.ESRCH),
			`failed to write "1": write /sys/fs/cgroup/x/c1/cgroup.procs: no such process`},
		{"already named", fmt.Errorf("linux.resources.cpu.cpus: %w", libErr("cpuset.cpus", "9", syscall.EINVAL)),
			`linux.resources.cpu.cpus: failed to write "9": write /sys/fs/cgroup/x/c1/cpuset.cpus: invalid argument`},
		{"no path in it", errors.New("the minimum allowed cpu-shares is 2"), "the minimum allowed cpu-shares is 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := NameField(tt.in)
			if got.Error() != tt.want {
				t.Errorf("NameField:\n got  %s\n want %s", got, tt.want)
			}
			if !errors.Is(got, tt.in) {
				t.Errorf("NameField(%v) does not wrap its argument", tt.in)
			}
		})
	}
	if NameField(nil) != nil {
		t.Error("NameField(nil) != nil")
	}
}

func TestNameUnifiedKey(t *testing.T) {
	unified := map[string]string{"memory.nosuch": "1", "memory.high": "abc"}
	dir := "/sys/fs/cgroup/system.slice/c1/"
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"missing file", fmt.Errorf("unable to set unified resource: %w",
			&fs.PathError{Op: "openat2", Path: dir + "memory.nosuch", Err: syscall.ENOENT}),
			`linux.resources.unified["memory.nosuch"]: no such file in the container's cgroup`},
		{"refused value", &fs.PathError{Op: "write", Path: dir + "memory.high", Err: syscall.EINVAL},
			`linux.resources.unified["memory.high"]: the kernel refused "abc": write `},
		{"file of another field", &fs.PathError{Op: "write", Path: dir + "memory.max", Err: syscall.EINVAL}, ""},
		{"no path", errors.New("boom"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := nameUnifiedKey(tc.err, unified)
			if tc.want == "" {
				if got != nil {
					t.Fatalf("got %v, want nil", got)
				}
				return
			}
			if got == nil || !strings.Contains(got.Error(), tc.want) {
				t.Fatalf("got %v, want one containing %q", got, tc.want)
			}
		})
	}
}
