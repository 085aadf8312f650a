// Package netdev moves host network devices into a container's network namespace
// (linux.netDevices, runtime-spec 1.3). It runs on the host, once the container's init is in
// its namespaces, with rtnetlink (github.com/vishvananda/netlink): the move and the rename are
// one RTM_SETLINK, as `ip link set DEV netns NS name NAME` does.
//
// The kernel drops a device's addresses when it changes namespace; the permanent ones of global
// scope are added back inside, as the spec asks, and the device is set up. Nothing is moved
// back on delete: when the namespace goes away the kernel returns physical devices to the
// host's and destroys virtual ones. A create that fails after the move is different: Return
// gives the devices back before init is killed, so that a veth is not lost with the namespace.
package netdev

import (
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"
)

// Moved is one device Move moved: what Return needs to give it back.
type Moved struct {
	Host, Inside string // its names on the host and in the container
	addrs        []netlink.Addr
	wasUp        bool
}

// Move moves each device of devs (keyed by host name, as in linux.netDevices) into the network
// namespace ns, in name order. It returns the devices it moved, also on error, for Return.
// Errors name the entry: `linux.netDevices["eth9"]: ...`.
func Move(devs map[string]specs.LinuxNetDevice, ns *os.File) ([]Moved, error) {
	if len(devs) == 0 {
		return nil, nil
	}
	inside, err := netlink.NewHandleAt(netns.NsHandle(ns.Fd()))
	if err != nil {
		return nil, fmt.Errorf("linux.netDevices: netlink socket in the container's network namespace: %w", err)
	}
	defer inside.Close()
	hosts := make([]string, 0, len(devs))
	for h := range devs {
		hosts = append(hosts, h)
	}
	slices.Sort(hosts)
	var moved []Moved
	for _, host := range hosts {
		name := devs[host].Name
		if name == "" {
			name = host
		}
		m, err := move(inside, int(ns.Fd()), host, name)
		if m != nil {
			moved = append(moved, *m)
		}
		if err != nil {
			return moved, fmt.Errorf("linux.netDevices[%q]: %w", host, err)
		}
	}
	return moved, nil
}

// move moves the host device host into the namespace nsFd as name (which may be a %d
// template), then restores its addresses and sets it up through inside. It returns the device
// once it has left the host, even when a later step failed.
func move(inside *netlink.Handle, nsFd int, host, name string) (*Moved, error) {
	link, err := netlink.LinkByName(host)
	if err != nil {
		var notFound netlink.LinkNotFoundError
		if errors.As(err, &notFound) {
			return nil, errors.New("no such network device on the host")
		}
		return nil, fmt.Errorf("look up on the host: %w", err)
	}
	addrs, err := keptAddrs(link)
	if err != nil {
		return nil, err
	}
	before, err := linkNames(inside)
	if err != nil {
		return nil, err
	}
	// The kernel moves first and renames after: a taken name would fail only once the device
	// is inside. Look before moving, so that the device stays on the host.
	if !strings.Contains(name, "%") && slices.Contains(before, name) {
		return nil, errAlreadyThere(name)
	}
	m := &Moved{Host: host, addrs: addrs, wasUp: link.Attrs().Flags&net.FlagUp != 0}
	if err := setNsAndName(link.Attrs().Index, nsFd, name); err != nil {
		if _, gone := netlink.LinkByName(host); gone != nil {
			// Moved, but not renamed (the kernel does it in this order).
			m.Inside = host
			return m, fmt.Errorf("rename to %q in the container's network namespace: %w", name, err)
		}
		if errors.Is(err, unix.EEXIST) {
			return nil, errAlreadyThere(name)
		}
		return nil, fmt.Errorf("move into the container's network namespace as %q: %w", name, err)
	}
	moved, err := findMoved(inside, name, before)
	if err != nil {
		return nil, err
	}
	m.Inside = moved.Attrs().Name
	for _, a := range addrs {
		a.Label = relabel(a.Label, host, m.Inside)
		if err := inside.AddrAdd(moved, &a); err != nil {
			return m, fmt.Errorf("%s: restore address %s: %w", m.Inside, a.IPNet, err)
		}
	}
	if err := inside.LinkSetUp(moved); err != nil {
		return m, fmt.Errorf("%s: set up: %w", m.Inside, err)
	}
	return m, nil
}

// Return moves the devices back from the namespace ns into the calling thread's (the host's),
// under their host names, with their addresses, up if they were: the undo of Move for a create
// that failed. It goes on past a failure and returns the first.
func Return(moved []Moved, ns *os.File) error {
	if len(moved) == 0 {
		return nil
	}
	inside, err := netlink.NewHandleAt(netns.NsHandle(ns.Fd()))
	if err != nil {
		return fmt.Errorf("linux.netDevices: netlink socket in the container's network namespace: %w", err)
	}
	defer inside.Close()
	host, err := os.Open("/proc/thread-self/ns/net")
	if err != nil {
		return fmt.Errorf("linux.netDevices: %w", err)
	}
	defer host.Close()
	var first error
	for _, m := range moved {
		if err := giveBack(inside, int(host.Fd()), m); err != nil && first == nil {
			first = fmt.Errorf("linux.netDevices[%q]: give back to the host: %w", m.Host, err)
		}
	}
	return first
}

// giveBack renames m inside first (a device must be down to be renamed), so that its name
// cannot clash on the host, then moves it out and restores what the move dropped.
func giveBack(inside *netlink.Handle, hostFd int, m Moved) error {
	link, err := inside.LinkByName(m.Inside)
	if err != nil {
		return err
	}
	if m.Inside != m.Host {
		if err := inside.LinkSetDown(link); err != nil {
			return err
		}
		if err := inside.LinkSetName(link, m.Host); err != nil {
			return err
		}
	}
	if err := inside.LinkSetNsFd(link, hostFd); err != nil {
		return err
	}
	back, err := netlink.LinkByName(m.Host)
	if err != nil {
		return err
	}
	for _, a := range m.addrs {
		if err := netlink.AddrAdd(back, &a); err != nil && !errors.Is(err, unix.EEXIST) {
			return fmt.Errorf("restore address %s: %w", a.IPNet, err)
		}
	}
	if m.wasUp {
		return netlink.LinkSetUp(back)
	}
	return nil
}

func errAlreadyThere(name string) error {
	return fmt.Errorf("move into the container's network namespace: a device named %q is already there", name)
}

// keptAddrs returns the addresses the spec says survive the move: permanent, of global scope,
// of any family. Only the flags one may ask for when adding an address are kept.
func keptAddrs(link netlink.Link) ([]netlink.Addr, error) {
	all, err := netlink.AddrList(link, netlink.FAMILY_ALL)
	if err != nil {
		return nil, fmt.Errorf("list addresses on the host: %w", err)
	}
	const settable = unix.IFA_F_NODAD | unix.IFA_F_HOMEADDRESS | unix.IFA_F_MANAGETEMPADDR |
		unix.IFA_F_NOPREFIXROUTE | unix.IFA_F_MCAUTOJOIN | unix.IFA_F_OPTIMISTIC
	var kept []netlink.Addr
	for _, a := range all {
		if a.Flags&unix.IFA_F_PERMANENT == 0 || a.Scope != unix.RT_SCOPE_UNIVERSE {
			continue
		}
		kept = append(kept, netlink.Addr{
			IPNet: a.IPNet, Peer: a.Peer, Broadcast: a.Broadcast, Label: a.Label,
			Scope: a.Scope, Flags: a.Flags & settable,
		})
	}
	return kept, nil
}

// setNsAndName sends one RTM_SETLINK with the target namespace and the name: the kernel moves
// the device, then renames it there, filling in a %d template; a name already taken there is
// EEXIST. The socket is the calling thread's, in the host's namespace, where the device is.
func setNsAndName(index, nsFd int, name string) error {
	req := nl.NewNetlinkRequest(unix.RTM_SETLINK, unix.NLM_F_ACK)
	msg := nl.NewIfInfomsg(unix.AF_UNSPEC)
	msg.Index = int32(index)
	req.AddData(msg)
	req.AddData(nl.NewRtAttr(unix.IFLA_NET_NS_FD, nl.Uint32Attr(uint32(nsFd))))
	req.AddData(nl.NewRtAttr(unix.IFLA_IFNAME, nl.ZeroTerminated(name)))
	_, err := req.Execute(unix.NETLINK_ROUTE, 0)
	return err
}

func linkNames(h *netlink.Handle) ([]string, error) {
	links, err := h.LinkList()
	if err != nil {
		return nil, fmt.Errorf("list the container's network devices: %w", err)
	}
	names := make([]string, len(links))
	for i, l := range links {
		names[i] = l.Attrs().Name
	}
	return names, nil
}

// findMoved finds the moved device inside: by name, or for a template the one device that was
// not there before.
func findMoved(inside *netlink.Handle, name string, before []string) (netlink.Link, error) {
	if !strings.Contains(name, "%") {
		link, err := inside.LinkByName(name)
		if err != nil {
			return nil, fmt.Errorf("find %q after the move: %w", name, err)
		}
		return link, nil
	}
	links, err := inside.LinkList()
	if err != nil {
		return nil, fmt.Errorf("list the container's network devices: %w", err)
	}
	for _, l := range links {
		if !slices.Contains(before, l.Attrs().Name) {
			return l, nil
		}
	}
	return nil, fmt.Errorf("find the device named from %q after the move: it is not there", name)
}

// relabel carries an IPv4 address label ("eth9" or an alias "eth9:web") over to the new name;
// the kernel refuses a label that does not start with the device's name.
func relabel(label, oldName, newName string) string {
	if rest, ok := strings.CutPrefix(label, oldName); ok {
		return newName + rest
	}
	return ""
}
