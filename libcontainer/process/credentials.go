package process

import (
	"fmt"
	"strings"
	"syscall"

	"github.com/moby/sys/capability"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"

	"github.com/berth-runtime/berth/libcontainer/protocol"
)

// SetCredentials switches init to process.user with exactly the capabilities of
// process.capabilities. The order matters: the bounding set can only be cut while berth still
// holds CAP_SETPCAP; keepcaps keeps the permitted set across setuid; the other sets are applied
// after the switch; no_new_privs comes last (it does not hinder any of the steps before).
// Inheritable and ambient stay empty unless asked for (CVE-2022-29162).
func SetCredentials(p *specs.Process) error {
	caps, err := newCapSets(p.Capabilities)
	if err != nil {
		return err
	}
	if err := caps.Apply(capability.BOUNDS); err != nil {
		return fmt.Errorf("process.capabilities.bounding: %w", err)
	}
	if err := unix.Prctl(unix.PR_SET_KEEPCAPS, 1, 0, 0, 0); err != nil {
		return fmt.Errorf("keep capabilities across setuid: %w", err)
	}
	if err := setUser(&p.User); err != nil {
		return err
	}
	if err := caps.Apply(capability.CAPS); err != nil {
		return fmt.Errorf("process.capabilities: %w", err)
	}
	if err := caps.Apply(capability.AMBS); err != nil {
		return fmt.Errorf("process.capabilities.ambient: %w", err)
	}
	if p.User.Umask != nil {
		syscall.Umask(int(*p.User.Umask))
	}
	if p.NoNewPrivileges {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return fmt.Errorf("process.noNewPrivileges: %w", err)
		}
	}
	return nil
}

// setUser switches this thread's groups, gid and uid. Only this thread: it is the one that
// execs, and the libc way (setxid on every thread, one signal each) costs milliseconds here.
func setUser(u *specs.User) error {
	groups := make([]int, len(u.AdditionalGids))
	for i, g := range u.AdditionalGids {
		groups[i] = int(g)
	}
	// setgroups is refused in a user namespace whose setgroups file says deny; an empty list
	// is then what the process already has, so only insist when groups were asked for.
	if err := unix.Setgroups(groups); err != nil && len(groups) > 0 {
		return fmt.Errorf("process.user.additionalGids %v: %w", u.AdditionalGids, err)
	}
	if err := setres(unix.SYS_SETRESGID, u.GID); err != nil {
		return fmt.Errorf("process.user.gid %d: %w", u.GID, err)
	}
	if err := setres(unix.SYS_SETRESUID, u.UID); err != nil {
		return fmt.Errorf("process.user.uid %d: %w", u.UID, err)
	}
	return checkSwitched(u)
}

// checkSwitched makes sure the kernel now reports exactly the ids asked for: an id that
// setresuid reads as "unchanged" ((uid_t)-1) must never leave the program running as root
// while the config names another user. Validation refuses such ids; this is the last guard.
func checkSwitched(u *specs.User) error {
	r, e, s := unix.Getresuid()
	if r != int(u.UID) || e != int(u.UID) || s != int(u.UID) {
		return fmt.Errorf("process.user.uid %d: after the switch the uids are %d/%d/%d", u.UID, r, e, s)
	}
	r, e, s = unix.Getresgid()
	if r != int(u.GID) || e != int(u.GID) || s != int(u.GID) {
		return fmt.Errorf("process.user.gid %d: after the switch the gids are %d/%d/%d", u.GID, r, e, s)
	}
	return nil
}

func setres(call uintptr, id uint32) error {
	if _, _, errno := unix.RawSyscall(call, uintptr(id), uintptr(id), uintptr(id)); errno != 0 {
		return errno
	}
	return nil
}

// CapMasks resolves process.capabilities to bit masks, by the same rules SetCredentials applies
// them (unknown names skipped, unraisable ambient ones left out), for a process set up without
// Go (the C exec path); it also returns the kernel's last capability.
func CapMasks(pc *specs.LinuxCapabilities) (protocol.CapMasks, uint32, error) {
	var m protocol.CapMasks
	caps, err := newCapSets(pc)
	if err != nil {
		return m, 0, err
	}
	last, err := capability.LastCap()
	if err != nil {
		return m, 0, fmt.Errorf("capabilities: the kernel's last capability: %w", err)
	}
	sets := []struct {
		which capability.CapType
		mask  *uint64
	}{
		{capability.BOUNDING, &m.Bounding},
		{capability.EFFECTIVE, &m.Effective},
		{capability.PERMITTED, &m.Permitted},
		{capability.INHERITABLE, &m.Inheritable},
		{capability.AMBIENT, &m.Ambient},
	}
	for c := capability.Cap(0); c <= last && c < 64; c++ {
		for _, s := range sets {
			if caps.Get(s.which, c) {
				*s.mask |= 1 << uint(c)
			}
		}
	}
	return m, uint32(last), nil
}

// capByName maps "CAP_CHOWN" to the library's capability values; names this kernel lacks are
// absent, and asking for them is skipped like runc does (a newer config on an older kernel).
func capByName() map[string]capability.Cap {
	m := map[string]capability.Cap{}
	for _, c := range capability.ListKnown() {
		m["CAP_"+strings.ToUpper(c.String())] = c
	}
	return m
}

// KnownCapabilities returns the capability names newCapSets can set, in number order, for
// `berth features`.
func KnownCapabilities() []string {
	known := capability.ListKnown()
	names := make([]string, len(known))
	for i, c := range known {
		names[i] = "CAP_" + strings.ToUpper(c.String())
	}
	return names
}

func newCapSets(pc *specs.LinuxCapabilities) (capability.Capabilities, error) {
	caps, err := capability.NewPid2(0)
	if err != nil {
		return nil, fmt.Errorf("capabilities: %w", err)
	}
	caps.Clear(capability.CAPS | capability.BOUNDS | capability.AMBS)
	if pc == nil {
		return caps, nil
	}
	known := capByName()
	// Without it every capability would look unknown and be dropped without a word.
	last, err := capability.LastCap()
	if err != nil {
		return nil, fmt.Errorf("capabilities: the kernel's last capability: %w", err)
	}
	sets := []struct {
		which capability.CapType
		names []string
	}{
		{capability.BOUNDING, pc.Bounding},
		{capability.EFFECTIVE, pc.Effective},
		{capability.PERMITTED, pc.Permitted},
		{capability.INHERITABLE, pc.Inheritable},
		{capability.AMBIENT, pc.Ambient},
	}
	for _, s := range sets {
		for _, name := range s.names {
			c, ok := known[strings.ToUpper(name)]
			if !ok || c > last {
				// Unknown here (the host already warned, spec.Warnings): the runtime-spec says
				// to go on without it, as runc does.
				continue
			}
			caps.Set(s.which, c)
		}
	}
	dropUnraisableAmbient(caps, last)
	return caps, nil
}

// dropUnraisableAmbient leaves out ambient capabilities that are not both permitted and
// inheritable: the kernel refuses to raise those, and runc's default config asks for them, so
// they are skipped rather than failing the container, silently like runc (a warning would fire
// on every run of the default config).
func dropUnraisableAmbient(caps capability.Capabilities, last capability.Cap) {
	for c := capability.Cap(0); c <= last; c++ {
		if caps.Get(capability.AMBIENT, c) && !(caps.Get(capability.PERMITTED, c) && caps.Get(capability.INHERITABLE, c)) {
			caps.Unset(capability.AMBIENT, c)
		}
	}
}
