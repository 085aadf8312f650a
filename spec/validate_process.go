package spec

import (
	"math"
	"path/filepath"
	"slices"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// The checks of the process section. Each tolerates a missing process so that it can be run on
// its own; checkProcessPresent is the one that requires it.

func checkProcessPresent(c *config) error {
	if c.Process == nil {
		return fieldError("process", `missing; want at least {"args": ["sh"], "cwd": "/"}`)
	}
	return nil
}

func checkArgs(c *config) error {
	if c.Process == nil {
		return nil
	}
	if len(c.Process.Args) == 0 {
		return fieldError("process.args", `empty; want the program and its arguments such as ["sh"]`)
	}
	if c.Process.Args[0] == "" {
		return fieldError("process.args[0]", "empty; want the program to run")
	}
	// execve takes C strings: a NUL would only fail at start, long after create said yes.
	for i, a := range c.Process.Args {
		if strings.ContainsRune(a, 0) {
			return valueError(index("process.args", i), a, "must not contain a NUL byte")
		}
	}
	return nil
}

func checkCwd(c *config) error {
	if c.Process == nil {
		return nil
	}
	switch cwd := c.Process.Cwd; {
	case cwd == "":
		return fieldError("process.cwd", `missing; want an absolute path such as "/"`)
	case !filepath.IsAbs(cwd):
		return valueError("process.cwd", cwd, "must be an absolute path inside the container")
	}
	return nil
}

// checkEnv requires KEY=value entries with a non-empty key: anything else cannot be put in
// the environment of a program.
func checkEnv(c *config) error {
	if c.Process == nil {
		return nil
	}
	for i, kv := range c.Process.Env {
		key, _, ok := strings.Cut(kv, "=")
		if !ok || key == "" {
			return valueError(index("process.env", i), kv, "want KEY=value")
		}
		if strings.ContainsRune(kv, 0) {
			return valueError(index("process.env", i), kv, "must not contain a NUL byte")
		}
	}
	return nil
}

// checkRlimits requires known resources, each at most once, with soft <= hard (setrlimit would
// fail with EINVAL, far from the field at fault).
func checkRlimits(c *config) error {
	if c.Process == nil {
		return nil
	}
	first := map[string]int{}
	for i, rl := range c.Process.Rlimits {
		p := index("process.rlimits", i)
		if _, ok := Rlimits[rl.Type]; !ok {
			return valueError(p+".type", rl.Type, "unknown resource; want one of %s", strings.Join(sortedKeys(Rlimits), ", "))
		}
		if j, dup := first[rl.Type]; dup {
			return valueError(p+".type", rl.Type, "duplicate of %s", index("process.rlimits", j))
		}
		first[rl.Type] = i
		if rl.Soft > rl.Hard {
			return fieldError(p, "soft limit %d is above hard limit %d", rl.Soft, rl.Hard)
		}
	}
	return nil
}

// checkOOMScoreAdj keeps oomScoreAdj in the range the kernel accepts.
func checkOOMScoreAdj(c *config) error {
	if c.Process == nil || c.Process.OOMScoreAdj == nil {
		return nil
	}
	if v := *c.Process.OOMScoreAdj; v < -1000 || v > 1000 {
		return numberError("process.oomScoreAdj", v, "out of range; want -1000 to 1000")
	}
	return nil
}

// checkCapabilities is a warning: the runtime-spec says unknown capabilities must be logged,
// not refused.
func checkCapabilities(c *config) error {
	if c.Process == nil || c.Process.Capabilities == nil {
		return nil
	}
	caps := c.Process.Capabilities
	sets := []struct {
		name  string
		names []string
	}{
		{"bounding", caps.Bounding},
		{"effective", caps.Effective},
		{"inheritable", caps.Inheritable},
		{"permitted", caps.Permitted},
		{"ambient", caps.Ambient},
	}
	for _, set := range sets {
		for i, name := range set.names {
			if !slices.Contains(Capabilities, name) {
				return valueError(index("process.capabilities."+set.name, i), name, "unknown capability%s", capabilityHint(name))
			}
		}
	}
	return nil
}

// capabilityHint suggests the spelling the user probably meant ("chown" → CAP_CHOWN).
func capabilityHint(name string) string {
	up := strings.ToUpper(name)
	for _, guess := range []string{up, "CAP_" + up} {
		if slices.Contains(Capabilities, guess) {
			return "; did you mean " + guess + "?"
		}
	}
	return "; want a name from capabilities(7) such as CAP_NET_BIND_SERVICE"
}

// checkConsoleSize is a warning: the runtime-spec says consoleSize is ignored without terminal.
func checkConsoleSize(c *config) error {
	if c.Process != nil && c.Process.ConsoleSize != nil && !c.Process.Terminal {
		return fieldError("process.consoleSize", "ignored because process.terminal is false")
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// MaxID is the largest uid or gid a process may be given. IDs are 32-bit, but (uid_t)-1 tells
// setresuid to leave the id as it is: a process.user.uid of 4294967295 would keep init's root
// while the config claims another user. Like shadow-utils, berth refuses everything above
// 2^31-1, which also keeps the ids clear of any sign confusion.
const MaxID = math.MaxInt32

func checkUser(c *config) error {
	if c.Process == nil {
		return nil
	}
	return CheckUser("process.user", c.Process.User)
}

// CheckUser refuses ids above MaxID in u; path names u in the error ("process.user").
func CheckUser(path string, u specs.User) error {
	if u.UID > MaxID {
		return numberError(path+".uid", u.UID, "out of range; want 0 to %d", MaxID)
	}
	if u.GID > MaxID {
		return numberError(path+".gid", u.GID, "out of range; want 0 to %d", MaxID)
	}
	for i, g := range u.AdditionalGids {
		if g > MaxID {
			return numberError(index(path+".additionalGids", i), g, "out of range; want 0 to %d", MaxID)
		}
	}
	return nil
}
