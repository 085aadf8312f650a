package cgroups

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Freezer files: v1's freezer.state reports the state the cgroup is in, its parents' freezing
// included (THAWED, FREEZING or FROZEN); v2's cgroup.freeze holds what this cgroup asked for
// ("0" or "1"), its parents' wishes being in their own cgroup.freeze.
const (
	freezerStateV1 = "freezer.state"
	freezeFileV2   = "cgroup.freeze"
)

// checkNotFrozen refuses a cgroup that already exists and is frozen, or whose parent is: init
// placed there would stop before it could report anything, and create would wait for it
// forever with init in D state. It runs before anything is made, so that nothing (the user's
// cgroup least of all) is removed when it fails.
func (m *Manager) checkNotFrozen() error {
	for ctrl, dir := range m.m.GetPaths() {
		file := ""
		switch ctrl {
		case "freezer":
			file = freezerStateV1
		case "":
			file = freezeFileV2
		default:
			continue
		}
		frozen, err := frozenCgroup(dir, file)
		if err != nil {
			return fmt.Errorf("linux.cgroupsPath: %w", err)
		}
		if frozen != "" {
			return fmt.Errorf("linux.cgroupsPath: cgroup %s is frozen; thaw it or choose another cgroupsPath", frozen)
		}
	}
	return nil
}

// frozenCgroup returns dir, or the closest of its ancestors that exists, when its freezer file
// (freezerStateV1 or freezeFileV2) says frozen; "" when none is. v1 reports the parents' state
// in the child, so only the closest existing cgroup is read there; on v2 every existing
// ancestor is, up to the hierarchy's root (the first existing directory without the file).
func frozenCgroup(dir, file string) (string, error) {
	for d := filepath.Clean(dir); ; d = filepath.Dir(d) {
		data, err := os.ReadFile(filepath.Join(d, file))
		switch {
		case err == nil:
			if isFrozen(file, string(data)) {
				return d, nil
			}
			if file == freezerStateV1 {
				return "", nil
			}
		case errors.Is(err, fs.ErrNotExist):
			if _, statErr := os.Stat(d); statErr == nil {
				return "", nil // the hierarchy's root, which cannot be frozen
			}
		default:
			return "", fmt.Errorf("read %s: %w", filepath.Join(d, file), err)
		}
		if d == "/" || d == "." {
			return "", nil
		}
	}
}

// isFrozen reads the content of a freezer file. A v1 cgroup caught FREEZING would freeze init
// as well.
func isFrozen(file, content string) bool {
	v := strings.TrimSpace(content)
	if file == freezerStateV1 {
		return v == "FROZEN" || v == "FREEZING"
	}
	return v == "1"
}
