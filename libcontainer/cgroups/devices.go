package cgroups

import (
	"fmt"
	"math"

	devices "github.com/opencontainers/cgroups/devices/config"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// denyAll opens every container's device list: the runtime-spec lists devices.allow entries to
// apply in order, and a container must not inherit the host's "allow everything". runc 1.1.5
// behaves the same way: with an empty or absent linux.resources.devices its container's
// devices.list holds only its default rules (observed on this host).
var denyAll = devices.Rule{Type: devices.WildcardDevice, Major: devices.Wildcard,
	Minor: devices.Wildcard, Permissions: "rwm", Allow: false}

// defaultDeviceRules are appended after the config's own rules, so a config that starts with
// "deny all" (as `runc spec` and `berth spec` write) still gets a working /dev: the devices the
// runtime-spec says every container has (null, zero, full, random, urandom, tty, ptmx and the
// pts behind ptmx and /dev/console), mknod of any device node (the node is useless without
// read/write access, and images' package scripts run mknod), and /dev/net/tun. This is the list
// runc 1.1.5 writes to devices.list on this host; /dev/net/tun is in it too (runc dropped it in
// 1.2.0 and restored it in 1.2.1 after users broke), so berth keeps it for drop-in parity.
// Because they come last, a config cannot deny these devices; as with runc.
var defaultDeviceRules = []devices.Rule{
	{Type: devices.CharDevice, Major: devices.Wildcard, Minor: devices.Wildcard, Permissions: "m", Allow: true},
	{Type: devices.BlockDevice, Major: devices.Wildcard, Minor: devices.Wildcard, Permissions: "m", Allow: true},
	{Type: devices.CharDevice, Major: 1, Minor: 3, Permissions: "rwm", Allow: true},                  // /dev/null
	{Type: devices.CharDevice, Major: 1, Minor: 5, Permissions: "rwm", Allow: true},                  // /dev/zero
	{Type: devices.CharDevice, Major: 1, Minor: 7, Permissions: "rwm", Allow: true},                  // /dev/full
	{Type: devices.CharDevice, Major: 1, Minor: 8, Permissions: "rwm", Allow: true},                  // /dev/random
	{Type: devices.CharDevice, Major: 1, Minor: 9, Permissions: "rwm", Allow: true},                  // /dev/urandom
	{Type: devices.CharDevice, Major: 5, Minor: 0, Permissions: "rwm", Allow: true},                  // /dev/tty
	{Type: devices.CharDevice, Major: 5, Minor: 2, Permissions: "rwm", Allow: true},                  // /dev/ptmx
	{Type: devices.CharDevice, Major: 136, Minor: devices.Wildcard, Permissions: "rwm", Allow: true}, // /dev/pts/*
	{Type: devices.CharDevice, Major: 10, Minor: 200, Permissions: "rwm", Allow: true},               // /dev/net/tun
}

// deviceRules returns the full device list for the library's v1 devices cgroup and v2 eBPF
// filter: deny all, then the config's rules in their order, then defaultDeviceRules.
func deviceRules(list []specs.LinuxDeviceCgroup) ([]*devices.Rule, error) {
	rules := make([]*devices.Rule, 0, 1+len(list)+len(defaultDeviceRules))
	first := denyAll
	rules = append(rules, &first)
	for i, d := range list {
		rule, err := deviceRule(d)
		if err != nil {
			return nil, fmt.Errorf("linux.resources.devices[%d].%w", i, err)
		}
		rules = append(rules, rule)
	}
	for _, d := range defaultDeviceRules {
		rule := d
		rules = append(rules, &rule)
	}
	return rules, nil
}

// deviceRule converts one linux.resources.devices entry; its errors start with the field name
// (for the caller to prefix with the entry's path).
func deviceRule(d specs.LinuxDeviceCgroup) (*devices.Rule, error) {
	typ, err := deviceType(d.Type)
	if err != nil {
		return nil, err
	}
	perms, err := devicePermissions(d.Access)
	if err != nil {
		return nil, err
	}
	rule := &devices.Rule{Type: typ, Major: devices.Wildcard, Minor: devices.Wildcard,
		Permissions: perms, Allow: d.Allow}
	if typ == devices.WildcardDevice {
		// "a" matches every device whatever the numbers say (the kernel ignores them too).
		return rule, nil
	}
	if rule.Major, err = deviceNumber("major", d.Major); err != nil {
		return nil, err
	}
	if rule.Minor, err = deviceNumber("minor", d.Minor); err != nil {
		return nil, err
	}
	return rule, nil
}

// deviceType maps the runtime-spec's type letter; unset means "a" (all).
func deviceType(t string) (devices.Type, error) {
	switch t {
	case "", "a":
		return devices.WildcardDevice, nil
	case "b":
		return devices.BlockDevice, nil
	case "c":
		return devices.CharDevice, nil
	}
	return 0, fmt.Errorf("type %q: want a, b or c", t)
}

// devicePermissions checks access letters and returns them in the library's canonical "rwm"
// order (its set operations compare strings). Unset access means all of them, by analogy with
// unset type and numbers meaning "all".
func devicePermissions(access string) (devices.Permissions, error) {
	if access == "" {
		return "rwm", nil
	}
	var seen [3]bool
	for _, c := range access {
		switch c {
		case 'r':
			seen[0] = true
		case 'w':
			seen[1] = true
		case 'm':
			seen[2] = true
		default:
			return "", fmt.Errorf("access %q: want letters from r, w and m", access)
		}
	}
	var perms devices.Permissions
	for i, letter := range []devices.Permissions{"r", "w", "m"} {
		if seen[i] {
			perms += letter
		}
	}
	return perms, nil
}

// deviceNumber maps an optional major or minor number; unset means every number ("*").
func deviceNumber(field string, n *int64) (int64, error) {
	if n == nil {
		return devices.Wildcard, nil
	}
	if *n < 0 || *n > math.MaxUint32 {
		return 0, fmt.Errorf("%s %d: want 0 to %d, or leave it unset for all", field, *n, uint32(math.MaxUint32))
	}
	return *n, nil
}
