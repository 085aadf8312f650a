package main

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/urfave/cli/v2"

	"github.com/berth-runtime/berth/libcontainer/namespaces"
)

// systemRoot is --root's default for root.
const systemRoot = "/run/berth"

// defaultRoot is --root's default, by runc's rule: an unprivileged user keeps state under
// $XDG_RUNTIME_DIR/berth (a directory of their own), root under /run/berth. Root in a user
// namespace is treated as a user when $XDG_RUNTIME_DIR is its own (owner is the euid), as
// rootless podman runs it. inUserNS is asked only then: it reads /proc/self/uid_map, and every
// berth process works out this default.
func defaultRoot(euid int, inUserNS func() bool, xdgRuntimeDir string, xdgOwner int) string {
	if xdgRuntimeDir == "" {
		return systemRoot
	}
	if euid != 0 || (xdgOwner == euid && inUserNS()) {
		return filepath.Join(xdgRuntimeDir, "berth")
	}
	return systemRoot
}

// rootFlagDefault computes defaultRoot for this process.
func rootFlagDefault() string {
	xdg := os.Getenv("XDG_RUNTIME_DIR")
	owner := -1
	if xdg != "" {
		if st, err := os.Stat(xdg); err == nil {
			if sys, ok := st.Sys().(*syscall.Stat_t); ok {
				owner = int(sys.Uid)
			}
		}
	}
	return defaultRoot(os.Geteuid(), namespaces.InUserNS, xdg, owner)
}

// prepareXDGRoot makes the XDG state root private to its user (0700) and sticky, so that the
// XDG runtime directory's periodic clean-up leaves it alone (the XDG Base Directory spec
// exempts files with the sticky bit). Only when --root was not given: a chosen root is the
// caller's business. Best effort: commands that need no state (spec, features) must not fail
// here; those that do report the root they cannot use.
func prepareXDGRoot(c *cli.Context) {
	root := c.String("root")
	if c.IsSet("root") || root == systemRoot {
		return
	}
	if _, err := os.Stat(root); err == nil {
		return
	}
	err := os.MkdirAll(root, 0o700)
	if err == nil {
		err = os.Chmod(root, 0o700|os.ModeSticky)
	}
	if err != nil {
		slog.Debug("state root", "root", root, "error", err)
	}
}

// parseRootless reads --rootless as runc does: "auto" (or empty) decides from the process
// (an unprivileged user, or root in a user namespace, is rootless), else a boolean.
func parseRootless(value string, euid int, inUserNS bool) (bool, error) {
	if value == "" || value == "auto" {
		return euid != 0 || inUserNS, nil
	}
	rootless, err := strconv.ParseBool(value)
	if err != nil {
		return false, fmt.Errorf("--rootless %q: must be true, false or auto", value)
	}
	return rootless, nil
}

// rootlessMode is parseRootless for this process; before has checked the value.
func rootlessMode(ctx *cli.Context) bool {
	rootless, _ := parseRootless(ctx.String("rootless"), os.Geteuid(), namespaces.InUserNS())
	return rootless
}
