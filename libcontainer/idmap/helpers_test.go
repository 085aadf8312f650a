package idmap

import (
	"reflect"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestHelperArgs(t *testing.T) {
	tests := []struct {
		name string
		maps []specs.LinuxIDMapping
		want []string
		text string
	}{
		{"own id", []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 1}},
			[]string{"42", "0", "1000", "1"}, "0:1000:1"},
		{"own id and a subuid range", []specs.LinuxIDMapping{{ContainerID: 0, HostID: 1000, Size: 1}, {ContainerID: 1, HostID: 100000, Size: 65536}},
			[]string{"42", "0", "1000", "1", "1", "100000", "65536"}, "0:1000:1,1:100000:65536"},
		{"largest ids", []specs.LinuxIDMapping{{ContainerID: 4294967294, HostID: 4294967294, Size: 1}},
			[]string{"42", "4294967294", "4294967294", "1"}, "4294967294:4294967294:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := HelperArgs(42, tt.maps); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("HelperArgs = %q, want %q", got, tt.want)
			}
			if got := FormatMappings(tt.maps); got != tt.text {
				t.Errorf("FormatMappings = %q, want %q", got, tt.text)
			}
		})
	}
}
