package container

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/berth-runtime/berth/spec"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// ExecFlags are exec's flags that shape the process, applied over the container's own
// process.
type ExecFlags struct {
	Args           []string
	Cwd            string
	Env            []string
	User           string // "UID[:GID]"
	AdditionalGids []int
	Caps           []string
	Tty            bool
	NoNewPrivs     bool
	AppArmor       string
	ProcessLabel   string
}

// ExecProcess builds exec's process as runc does: the container's process with the program
// replaced, the flags' env appended (later entries win), their capabilities added to the
// bounding, effective and permitted sets, and a terminal only when --tty asks for one.
func ExecProcess(base *specs.Process, f *ExecFlags) (*specs.Process, error) {
	if len(f.Args) == 0 {
		return nil, fmt.Errorf("process.args: empty: give a command to run (or --process FILE)")
	}
	p := copyProcess(base)
	p.Args = f.Args
	p.Terminal = f.Tty
	p.ConsoleSize = nil
	p.Env = append(p.Env, f.Env...)
	if f.Cwd != "" {
		p.Cwd = f.Cwd
	}
	if f.NoNewPrivs {
		p.NoNewPrivileges = true
	}
	if f.AppArmor != "" {
		p.ApparmorProfile = f.AppArmor
	}
	if f.ProcessLabel != "" {
		p.SelinuxLabel = f.ProcessLabel
	}
	if err := applyUserFlag(&p.User, f.User); err != nil {
		return nil, err
	}
	for _, g := range f.AdditionalGids {
		if g < 0 || g > spec.MaxID {
			return nil, fmt.Errorf("--additional-gids %d: not a valid gid", g)
		}
		p.User.AdditionalGids = append(p.User.AdditionalGids, uint32(g))
	}
	addCaps(p, f.Caps)
	return p, nil
}

func applyUserFlag(u *specs.User, flag string) error {
	if flag == "" {
		return nil
	}
	uidStr, gidStr, hasGid := strings.Cut(flag, ":")
	uid, err := parseID(uidStr)
	if err != nil {
		return fmt.Errorf("--user %q: %w", flag, err)
	}
	u.UID = uid
	if hasGid {
		gid, err := parseID(gidStr)
		if err != nil {
			return fmt.Errorf("--user %q: %w", flag, err)
		}
		u.GID = gid
	}
	return nil
}

// parseID reads a uid or gid of --user: a number from 0 to spec.MaxID.
func parseID(s string) (uint32, error) {
	id, err := strconv.ParseUint(s, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("want UID[:GID] as numbers")
	}
	if id > spec.MaxID {
		return 0, fmt.Errorf("%d is out of range; want 0 to %d", id, spec.MaxID)
	}
	return uint32(id), nil
}

func addCaps(p *specs.Process, caps []string) {
	if len(caps) == 0 {
		return
	}
	if p.Capabilities == nil {
		p.Capabilities = &specs.LinuxCapabilities{}
	}
	for _, c := range caps {
		c = strings.ToUpper(c)
		if !strings.HasPrefix(c, "CAP_") {
			c = "CAP_" + c
		}
		p.Capabilities.Bounding = append(p.Capabilities.Bounding, c)
		p.Capabilities.Effective = append(p.Capabilities.Effective, c)
		p.Capabilities.Permitted = append(p.Capabilities.Permitted, c)
	}
}

// copyProcess copies what ExecProcess changes, so the container's own config stays as it is.
func copyProcess(base *specs.Process) *specs.Process {
	p := &specs.Process{}
	if base != nil {
		*p = *base
	}
	p.Env = append([]string(nil), p.Env...)
	p.User.AdditionalGids = append([]uint32(nil), p.User.AdditionalGids...)
	if p.Capabilities != nil {
		c := *p.Capabilities
		c.Bounding = append([]string(nil), c.Bounding...)
		c.Effective = append([]string(nil), c.Effective...)
		c.Permitted = append([]string(nil), c.Permitted...)
		p.Capabilities = &c
	}
	return p
}
