package idmap

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Where the setuid helpers of shadow (Debian's uidmap package) are looked up.
var (
	newuidmap = "newuidmap"
	newgidmap = "newgidmap"
)

// UserNSByHelpers is UserNS for an unprivileged user whose mappings go beyond its own ids: the
// kernel refuses them from the user, so newuidmap and newgidmap, which check them against
// /etc/subuid and /etc/subgid, write them for the holder process.
func UserNSByHelpers(uids, gids []specs.LinuxIDMapping) (*os.File, error) {
	uidTool, err := exec.LookPath(newuidmap)
	gidTool := ""
	if err == nil {
		gidTool, err = exec.LookPath(newgidmap)
	}
	if err != nil {
		return nil, fmt.Errorf("linux.uidMappings: an unprivileged user needs newuidmap and newgidmap (Debian package uidmap) to map more than its own ids: %w", err)
	}
	return withHolder(nil, nil, func(pid int) error {
		if err := runHelper(uidTool, pid, uids); err != nil {
			return fmt.Errorf("linux.uidMappings %s: %w", FormatMappings(uids), err)
		}
		if err := runHelper(gidTool, pid, gids); err != nil {
			return fmt.Errorf("linux.gidMappings %s: %w", FormatMappings(gids), err)
		}
		return nil
	})
}

// runHelper runs newuidmap or newgidmap for pid; its complaint (usually that /etc/subuid grants
// no such range) becomes the error.
func runHelper(tool string, pid int, maps []specs.LinuxIDMapping) error {
	out, err := exec.Command(tool, HelperArgs(pid, maps)...).CombinedOutput()
	if err != nil {
		name := filepath.Base(tool)
		msg := strings.TrimPrefix(strings.Join(strings.Fields(string(out)), " "), name+": ")
		var ee *exec.ExitError
		if errors.As(err, &ee) && msg != "" {
			return fmt.Errorf("%s: %s (see /etc/subuid and /etc/subgid)", name, msg)
		}
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// HelperArgs is the command line of newuidmap/newgidmap: the pid, then containerID hostID size
// for each mapping.
func HelperArgs(pid int, maps []specs.LinuxIDMapping) []string {
	args := []string{strconv.Itoa(pid)}
	for _, m := range maps {
		args = append(args, strconv.FormatUint(uint64(m.ContainerID), 10),
			strconv.FormatUint(uint64(m.HostID), 10), strconv.FormatUint(uint64(m.Size), 10))
	}
	return args
}

// FormatMappings writes mappings for error messages: "0:100000:65536,...".
func FormatMappings(maps []specs.LinuxIDMapping) string {
	parts := make([]string, len(maps))
	for i, m := range maps {
		parts[i] = fmt.Sprintf("%d:%d:%d", m.ContainerID, m.HostID, m.Size)
	}
	return strings.Join(parts, ",")
}
