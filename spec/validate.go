package spec

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// config is what a check looks at: the spec and the bundle it came from.
type config struct {
	*specs.Spec
	bundle string
}

// linux returns the linux section, or an empty one so that checks need no nil tests.
func (c *config) linux() *specs.Linux {
	if c.Linux == nil {
		return &specs.Linux{}
	}
	return c.Linux
}

// A check tests one concern of a config and returns a *FieldError naming the field at fault.
type check func(c *config) error

// checks are the strict checks, in the order of the fields in config.json: the first that fails
// stops Validate.
var checks = []check{
	checkVersion,
	checkRoot,
	checkProcessPresent,
	checkArgs,
	checkCwd,
	checkEnv,
	checkUser,
	checkRlimits,
	checkOOMScoreAdj,
	checkMounts,
	checkMountIDMaps,
	checkHooks,
	checkNamespaces,
	checkUserNamespace,
	checkMountIDOptions, // after the mappings are known to be valid
	checkTimeNamespace,
	checkHostname,
	checkSysctl,
	checkNetDevices,
	checkDevices,
	checkMaskedPaths,
	checkReadonlyPaths,
	checkRootfsPropagation,
}

// warnings are checks of what the runtime-spec says must be tolerated (unknown capabilities,
// consoleSize without terminal, deprecated relative mount destinations) or of what is likely a
// mistake but that runc accepts. Their failures are worth logging, never fatal.
var warnings = []check{
	checkCapabilities,
	checkConsoleSize,
	checkRelativeDestinations,
	checkBindMountOptions,
}

// Validate runs the strict checks over s and returns the first failure, a *FieldError whose
// message starts with the JSON path of the field, e.g.
// `root.path "rootfs": no such directory /b/rootfs`. bundle is needed to find root.path.
func Validate(s *specs.Spec, bundle string) error {
	if s == nil {
		return errors.New("no configuration")
	}
	c := &config{Spec: s, bundle: bundle}
	for _, chk := range checks {
		if err := chk(c); err != nil {
			return err
		}
	}
	return nil
}

// ValidateAll runs every strict check over s, not stopping at the first failure, and returns
// each one's failure (`berth check` lists them all; create stops at the first).
func ValidateAll(s *specs.Spec, bundle string) []error {
	if s == nil {
		return []error{errors.New("no configuration")}
	}
	c := &config{Spec: s, bundle: bundle}
	var errs []error
	for _, chk := range checks {
		if err := chk(c); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// Warnings runs the lenient checks over s and returns every failure; the caller logs them.
func Warnings(s *specs.Spec) []error {
	if s == nil {
		return nil
	}
	c := &config{Spec: s}
	var errs []error
	for _, chk := range warnings {
		if err := chk(c); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// checkVersion accepts any SemVer 1.x.y: the runtime-spec keeps compatibility within a major
// version, and configs written for older 1.x specs are common.
func checkVersion(c *config) error {
	v := c.Version
	if v == "" {
		return fieldError("ociVersion", "missing; want a 1.x.y version such as %q", specs.Version)
	}
	major, minorPatch, ok := strings.Cut(v, ".")
	if !ok || !isNumber(major) || !isSemverTail(minorPatch) {
		return valueError("ociVersion", v, "not a SemVer version; want 1.x.y such as %q", specs.Version)
	}
	if major != "1" {
		return valueError("ociVersion", v, "unsupported major version %s; berth implements %s", major, specs.Version)
	}
	return nil
}

// isSemverTail accepts "MINOR.PATCH" optionally followed by "-prerelease" or "+build".
func isSemverTail(s string) bool {
	if i := strings.IndexAny(s, "-+"); i >= 0 {
		if i == len(s)-1 {
			return false
		}
		s = s[:i]
	}
	minor, patch, ok := strings.Cut(s, ".")
	return ok && isNumber(minor) && isNumber(patch)
}

func isNumber(s string) bool {
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

// checkRoot requires root.path to name an existing directory, relative paths being relative to
// the bundle.
func checkRoot(c *config) error {
	if c.Root == nil {
		return fieldError("root", `missing; want {"path": "rootfs"}`)
	}
	if c.Root.Path == "" {
		return fieldError("root.path", `missing; want the root filesystem's directory such as "rootfs"`)
	}
	abs := RootfsPath(c.Spec, c.bundle)
	fi, err := os.Stat(abs)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &FieldError{Path: "root.path", Value: strconv.Quote(c.Root.Path), Err: fmt.Errorf("no such directory %s", abs)}
	case err != nil:
		return valueError("root.path", c.Root.Path, "%w", err)
	case !fi.IsDir():
		return valueError("root.path", c.Root.Path, "%s is not a directory", abs)
	}
	return nil
}

// checkAbsolutePaths requires every entry of list to be an absolute path.
func checkAbsolutePaths(path string, list []string) error {
	for i, p := range list {
		if !filepath.IsAbs(p) {
			return valueError(index(path, i), p, "must be an absolute path inside the container")
		}
	}
	return nil
}

func checkMaskedPaths(c *config) error {
	return checkAbsolutePaths("linux.maskedPaths", c.linux().MaskedPaths)
}

func checkReadonlyPaths(c *config) error {
	return checkAbsolutePaths("linux.readonlyPaths", c.linux().ReadonlyPaths)
}

func checkRootfsPropagation(c *config) error {
	p := c.linux().RootfsPropagation
	if p == "" || slices.Contains(RootfsPropagations, p) {
		return nil
	}
	return valueError("linux.rootfsPropagation", p, "unknown propagation; want one of %s", strings.Join(RootfsPropagations, ", "))
}

// checkHooks requires absolute hook paths and positive timeouts.
func checkHooks(c *config) error {
	if c.Hooks == nil {
		return nil
	}
	h := c.Hooks
	sets := []struct {
		name  string
		hooks []specs.Hook
	}{
		//lint:ignore SA1019 prestart is deprecated but configs still use it and runc runs it
		{"prestart", h.Prestart},
		{"createRuntime", h.CreateRuntime},
		{"createContainer", h.CreateContainer},
		{"startContainer", h.StartContainer},
		{"poststart", h.Poststart},
		{"poststop", h.Poststop},
	}
	for _, set := range sets {
		for i, hook := range set.hooks {
			p := index("hooks."+set.name, i)
			if !filepath.IsAbs(hook.Path) {
				return valueError(p+".path", hook.Path, "must be an absolute path on the host")
			}
			if hook.Timeout != nil && *hook.Timeout <= 0 {
				return numberError(p+".timeout", *hook.Timeout, "must be a number of seconds greater than 0")
			}
		}
	}
	return nil
}
