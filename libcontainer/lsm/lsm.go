// Package lsm applies the Linux security modules' settings of a container's process:
// process.apparmorProfile, process.selinuxLabel and linux.mountLabel.
//
// Both modules take the label to switch to at the next execve through a file of the calling
// thread in procfs. A container can mount anything over /proc (CVE-2019-16884, CVE-2025-52881),
// so those writes go through a procfs handle of our own (pathrs-lite) and are checked to land
// on procfs.
//
// Check belongs on the host side, before init starts: it reads the host's /sys and /proc, which
// inside the container may be the container's own.
package lsm

import specs "github.com/opencontainers/runtime-spec/specs-go"

// Check refuses security labels that this host cannot apply, naming the field.
func Check(s *specs.Spec) error {
	if s.Process != nil {
		if err := CheckAppArmor(s.Process.ApparmorProfile); err != nil {
			return err
		}
	}
	return CheckSELinux(s)
}
