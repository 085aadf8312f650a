package spec

import (
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// checkNetDevices checks linux.netDevices (runtime-spec 1.3): the devices go into the container's
// own network namespace, so one is needed (moving them into the host's would be a no-op that
// looks like isolation); host names must be names the kernel could have given, the names inside
// the container too (one %d template allowed, which the kernel fills in), and no two devices may
// end up with the same name.
func checkNetDevices(c *config) error {
	devs := c.linux().NetDevices
	if len(devs) == 0 {
		return nil
	}
	if !c.ownsNamespace(specs.NetworkNamespace) {
		return fieldError("linux.netDevices", "needs the container's own network namespace; %s", c.namespaceAdvice(specs.NetworkNamespace))
	}
	taken := map[string]string{} // name in the container -> host name
	for _, host := range sortedKeys(devs) {
		p := netDevicePath(host)
		if why := badInterfaceName(host, false); why != "" {
			return fieldError(p, "not a network device name: %s", why)
		}
		if host == "lo" {
			return fieldError(p, "the loopback device belongs to its namespace and cannot be moved")
		}
		name := devs[host].Name
		if name == "" {
			name = host
		} else if why := badInterfaceName(name, true); why != "" {
			return valueError(p+".name", name, "not a network device name: %s", why)
		}
		if other, dup := taken[name]; dup && !strings.Contains(name, "%") {
			return valueError(p+".name", name, "%s gets that name too", netDevicePath(other))
		}
		taken[name] = host
	}
	return nil
}

// netDevicePath is the JSON path of a linux.netDevices entry, always in the bracket form: device
// names are keys, not identifiers (eth0.100 is a valid name).
func netDevicePath(host string) string {
	return "linux.netDevices[" + strconv.Quote(host) + "]"
}

// badInterfaceName says why the kernel would refuse name for a network device (dev_valid_name:
// 1 to 15 bytes, not . or .., no /, : or white space), or returns "". template allows the one
// %d that asks the kernel to pick a free number.
func badInterfaceName(name string, template bool) string {
	switch {
	case name == "":
		return "empty"
	case len(name) > 15:
		return "longer than 15 bytes"
	case name == "." || name == "..":
		return "not allowed"
	case strings.ContainsAny(name, "/: \t\n\v\f\r"):
		return "contains /, : or white space"
	}
	if i := strings.IndexByte(name, '%'); i >= 0 {
		if !template {
			return "contains %"
		}
		if !strings.HasPrefix(name[i:], "%d") || strings.Contains(name[i+1:], "%") {
			return "a template has one %d and no other %"
		}
	}
	return ""
}
