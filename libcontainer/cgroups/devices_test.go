package cgroups

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/berth-runtime/berth/libcontainer/internal/testutil"
	"github.com/opencontainers/cgroups"
	devices "github.com/opencontainers/cgroups/devices/config"
	"github.com/opencontainers/cgroups/fs"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

func TestDeviceRule(t *testing.T) {
	const w = devices.Wildcard
	tests := []struct {
		name string
		in   specs.LinuxDeviceCgroup
		want devices.Rule
	}{
		{"all unset means deny everything", specs.LinuxDeviceCgroup{},
			devices.Rule{Type: 'a', Major: w, Minor: w, Permissions: "rwm"}},
		{"type a ignores numbers", specs.LinuxDeviceCgroup{Allow: true, Type: "a", Major: ptr[int64](1), Access: "r"},
			devices.Rule{Type: 'a', Major: w, Minor: w, Permissions: "r", Allow: true}},
		{"char device", specs.LinuxDeviceCgroup{Allow: true, Type: "c", Major: ptr[int64](1), Minor: ptr[int64](3), Access: "rw"},
			devices.Rule{Type: 'c', Major: 1, Minor: 3, Permissions: "rw", Allow: true}},
		{"block device, any minor", specs.LinuxDeviceCgroup{Type: "b", Major: ptr[int64](8), Access: "m"},
			devices.Rule{Type: 'b', Major: 8, Minor: w, Permissions: "m"}},
		{"access reordered and deduplicated", specs.LinuxDeviceCgroup{Type: "c", Access: "mwrr"},
			devices.Rule{Type: 'c', Major: w, Minor: w, Permissions: "rwm"}},
		{"major and minor 0", specs.LinuxDeviceCgroup{Type: "c", Major: ptr[int64](0), Minor: ptr[int64](0)},
			devices.Rule{Type: 'c', Major: 0, Minor: 0, Permissions: "rwm"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := deviceRule(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if *got != tt.want {
				t.Errorf("got %+v, want %+v", *got, tt.want)
			}
			if !got.Permissions.IsValid() || !got.Type.CanCgroup() {
				t.Errorf("rule %q is not one the library accepts", got.CgroupString())
			}
		})
	}
}

func TestDeviceRuleErrors(t *testing.T) {
	tests := []struct {
		in   specs.LinuxDeviceCgroup
		want string
	}{
		{specs.LinuxDeviceCgroup{Type: "p"}, `type "p": want a, b or c`},
		{specs.LinuxDeviceCgroup{Type: "u"}, `type "u": want a, b or c`},
		{specs.LinuxDeviceCgroup{Access: "rW"}, `access "rW": want letters from r, w and m`},
		{specs.LinuxDeviceCgroup{Type: "b", Minor: ptr[int64](1 << 32)}, "minor 4294967296: want 0 to 4294967295, or leave it unset for all"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			_, err := deviceRule(tt.in)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error %v, want %q", err, tt.want)
			}
		})
	}
}

// runcDevicesList is devices.list of a runc 1.1.5 container on this host whose config has
// [{"allow": false, "access": "rwm"}] (what `runc spec` writes), or no rules at all.
var runcDevicesList = []string{
	"b *:* m", "c *:* m", "c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
	"c 5:0 rwm", "c 5:2 rwm", "c 10:200 rwm", "c 136:* rwm",
}

func TestDeviceRulesOrder(t *testing.T) {
	cfg := []specs.LinuxDeviceCgroup{
		{Allow: false, Access: "rwm"},
		{Allow: false, Type: "c", Major: ptr[int64](1), Minor: ptr[int64](3), Access: "rwm"},
		{Allow: true, Type: "b", Major: ptr[int64](8), Minor: ptr[int64](0), Access: "r"},
	}
	rules, err := deviceRules(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rules {
		verb := "deny "
		if r.Allow {
			verb = "allow "
		}
		got = append(got, verb+r.CgroupString())
	}
	want := []string{"deny a *:* rwm", "deny a *:* rwm", "deny c 1:3 rwm", "allow b 8:0 r",
		"allow c *:* m", "allow b *:* m", "allow c 1:3 rwm", "allow c 1:5 rwm", "allow c 1:7 rwm",
		"allow c 1:8 rwm", "allow c 1:9 rwm", "allow c 5:0 rwm", "allow c 5:2 rwm",
		"allow c 136:* rwm", "allow c 10:200 rwm"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("rules\n got %q\nwant %q", got, want)
	}
	// The rules are copies: changing one must not change the next container's defaults.
	rules[len(rules)-1].Allow = false
	if !defaultDeviceRules[len(defaultDeviceRules)-1].Allow {
		t.Error("deviceRules handed out defaultDeviceRules itself")
	}
}

// TestDevicesListLikeRunc applies berth's rules to a real v1 devices cgroup with the library and
// compares the kernel's devices.list with runc's (root, v1 devices hierarchy).
func TestDevicesListLikeRunc(t *testing.T) {
	testutil.RequireRoot(t)
	if cgroups.IsCgroup2UnifiedMode() {
		t.Skip("needs a cgroup v1 devices hierarchy")
	}
	if _, err := os.Stat("/sys/fs/cgroup/devices/devices.list"); err != nil {
		t.Skip("no devices hierarchy at /sys/fs/cgroup/devices")
	}
	res, err := Resources(&specs.LinuxResources{Devices: []specs.LinuxDeviceCgroup{{Allow: false, Access: "rwm"}}})
	if err != nil {
		t.Fatal(err)
	}
	name := "/berth-test-devices-" + strconv.Itoa(os.Getpid())
	m, err := fs.NewManager(&cgroups.Cgroup{Path: name, Resources: res}, map[string]string{
		"devices": filepath.Join("/sys/fs/cgroup/devices", name)})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Destroy()
	if err := m.Apply(-1); err != nil {
		t.Fatal(err)
	}
	if err := m.Set(res); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(m.Path("devices"), "devices.list"))
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Split(strings.TrimSpace(string(data)), "\n")
	if !reflect.DeepEqual(got, runcDevicesList) {
		t.Errorf("devices.list\n got %q\nwant %q (runc 1.1.5)", got, runcDevicesList)
	}
}
