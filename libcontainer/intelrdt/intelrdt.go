// Package intelrdt checks linux.intelRdt against the host. Applying RDT (resctrl groups and
// schemata) is not implemented yet; Check makes sure a config that asks for it on a host that
// cannot give it fails, as the spec requires, instead of running without it.
package intelrdt

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/moby/sys/mountinfo"
	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// Check fails when linux.intelRdt is set and no resctrl filesystem is mounted in the runtime's
// mount namespace. Call it on the host side: inside the container /proc is the container's.
func Check(s *specs.Spec) error {
	if s.Linux == nil || s.Linux.IntelRdt == nil {
		return nil
	}
	return checkResctrl("/proc/filesystems", "/proc/self/mountinfo")
}

func checkResctrl(filesystems, mounts string) error {
	known, err := kernelHasResctrl(filesystems)
	if err != nil {
		return fmt.Errorf("linux.intelRdt: %w", err)
	}
	if !known {
		return errors.New("linux.intelRdt: resctrl is not available on this host")
	}
	mounted, err := resctrlMounted(mounts)
	if err != nil {
		return fmt.Errorf("linux.intelRdt: %w", err)
	}
	if !mounted {
		return errors.New("linux.intelRdt: resctrl is not available on this host: it is not mounted (mount -t resctrl resctrl /sys/fs/resctrl)")
	}
	return nil
}

// kernelHasResctrl looks for "nodev\tresctrl" in /proc/filesystems.
func kernelHasResctrl(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) > 0 && fields[len(fields)-1] == "resctrl" {
			return true, nil
		}
	}
	return false, sc.Err()
}

func resctrlMounted(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	return resctrlIn(f)
}

func resctrlIn(r io.Reader) (bool, error) {
	mounts, err := mountinfo.GetMountsFromReader(r, mountinfo.FSTypeFilter("resctrl"))
	return len(mounts) > 0, err
}
