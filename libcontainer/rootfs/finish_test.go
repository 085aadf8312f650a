package rootfs

import (
	"reflect"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestUniquePaths(t *testing.T) {
	tests := []struct {
		name  string
		paths []string
		want  []indexedPath
	}{
		{"none", nil, nil},
		{"distinct keep their order", []string{"/proc/kcore", "/sys/firmware"},
			[]indexedPath{{0, "/proc/kcore"}, {1, "/sys/firmware"}}},
		{"a repeat is dropped, the first index kept", []string{"/proc/keys", "/proc/acpi", "/proc/keys"},
			[]indexedPath{{0, "/proc/keys"}, {1, "/proc/acpi"}}},
		{"spellings of one path are one path", []string{"/proc/acpi/", "proc//acpi", "/proc/./acpi"},
			[]indexedPath{{0, "/proc/acpi"}}},
		{"paths are made clean and absolute", []string{"proc/timer_list", "/proc/../proc/keys"},
			[]indexedPath{{0, "/proc/timer_list"}, {1, "/proc/keys"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := uniquePaths(tt.paths); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("uniquePaths(%q) = %v, want %v", tt.paths, got, tt.want)
			}
		})
	}
}

func TestReadonlyLater(t *testing.T) {
	tests := []struct {
		name  string
		mount specs.Mount
		want  bool
	}{
		{"ro tmpfs waits", specs.Mount{Type: "tmpfs", Destination: "/data", Options: []string{"ro"}}, true},
		{"ro /dev waits", specs.Mount{Type: "tmpfs", Destination: "/dev/", Options: []string{"nosuid", "ro"}}, true},
		{"any filesystem on /dev waits", specs.Mount{Type: "devtmpfs", Destination: "/dev", Options: []string{"ro"}}, true},
		{"rw tmpfs has nothing to wait for", specs.Mount{Type: "tmpfs", Destination: "/data", Options: []string{"ro", "rw"}}, false},
		{"ro sysfs is read-only at once", specs.Mount{Type: "sysfs", Destination: "/sys", Options: []string{"ro"}}, false},
		{"a bind is read-only at once", specs.Mount{Type: "bind", Source: "/srv", Destination: "/data", Options: []string{"rbind", "ro"}}, false},
		{"a bind on /dev too: it is the host's directory", specs.Mount{Type: "tmpfs", Source: "/dev", Destination: "/dev", Options: []string{"bind", "ro"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts, err := ParseOptions(tt.mount.Options)
			if err != nil {
				t.Fatal(err)
			}
			got := readonlyLater(tt.mount, cleanDest(tt.mount.Destination), isBind(tt.mount, opts), opts)
			if got != tt.want {
				t.Fatalf("readonlyLater = %v, want %v", got, tt.want)
			}
		})
	}
}
