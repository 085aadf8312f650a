package lsm

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/selinux/go-selinux"
	"github.com/opencontainers/selinux/go-selinux/label"
)

// SELinuxEnabled reports whether SELinux is enabled. go-selinux decides once, from the mount
// table (selinuxfs) and the current label, and remembers it; init must ask before pivot_root,
// while the host's mounts are still in view.
func SELinuxEnabled() bool {
	return selinux.GetEnabled()
}

// CheckSELinux refuses process.selinuxLabel and linux.mountLabel on a host without SELinux, as
// runc does: the label could not be applied, and a mount with context= would fail anyway. The
// host is asked only when a label is set (go-selinux looks for selinuxfs: ~0.1 ms per create
// and exec).
func CheckSELinux(s *specs.Spec) error {
	var field, label string
	switch {
	case s.Process != nil && s.Process.SelinuxLabel != "":
		field, label = "process.selinuxLabel", s.Process.SelinuxLabel
	case s.Linux != nil && s.Linux.MountLabel != "":
		field, label = "linux.mountLabel", s.Linux.MountLabel
	default:
		return nil
	}
	if SELinuxEnabled() {
		return nil
	}
	return fmt.Errorf("%s %q: SELinux is not enabled on this host", field, label)
}

// SetExecLabel makes the next execve of the calling thread run with label
// (process.selinuxLabel). An empty label does nothing. go-selinux writes attr/exec through a
// pathrs-lite procfs handle, like ApplyAppArmor.
func SetExecLabel(label string) error {
	if label == "" {
		return nil
	}
	if err := selinux.SetExecLabel(label); err != nil {
		return fmt.Errorf("process.selinuxLabel %q: %w", label, err)
	}
	return nil
}

// SetKeyLabel labels the session keyring init creates next (process.selinuxLabel). Call it
// before joining the new session keyring. It does nothing without a label or without SELinux.
func SetKeyLabel(label string) error {
	if label == "" || !SELinuxEnabled() {
		return nil
	}
	if err := selinux.SetKeyLabel(label); err != nil {
		return fmt.Errorf("process.selinuxLabel %q: keyring: %w", label, err)
	}
	return nil
}

// FormatMountLabel adds linux.mountLabel to the data (options) of a mount as context="label".
// Without a label or without SELinux, opts comes back unchanged: a context= option on a host
// without SELinux makes mount fail with EINVAL.
func FormatMountLabel(opts, mountLabel string) string {
	if mountLabel == "" || !SELinuxEnabled() {
		return opts
	}
	return label.FormatMountLabel(opts, mountLabel)
}
