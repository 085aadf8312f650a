package lsm

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/berth-runtime/berth/libcontainer/procfs"
	"golang.org/x/sys/unix"
)

const (
	appArmorEnabledFile  = "/sys/module/apparmor/parameters/enabled"
	appArmorProfilesFile = "/sys/kernel/security/apparmor/profiles"
)

// AppArmorEnabled reports whether the host kernel has AppArmor enabled.
func AppArmorEnabled() bool {
	return appArmorEnabledAt(appArmorEnabledFile)
}

func appArmorEnabledAt(path string) bool {
	b, err := os.ReadFile(path)
	return err == nil && bytes.HasPrefix(b, []byte("Y"))
}

// CheckAppArmor refuses a profile that cannot be applied: on a host without AppArmor the
// container would otherwise run unconfined while its config asks for confinement.
func CheckAppArmor(profile string) error {
	if profile == "" {
		return nil
	}
	if err := checkProfileName(profile); err != nil {
		return err
	}
	if !AppArmorEnabled() {
		return fmt.Errorf("process.apparmorProfile %q: AppArmor is not enabled on this host", profile)
	}
	return checkLoaded(profile, appArmorProfilesFile)
}

// checkLoaded refuses a profile that the kernel does not have, before anything is made: init's
// write of "exec <profile>" would otherwise fail only at the end of create, as a bare ENOENT.
// Names the list cannot show (another policy namespace ":ns:name", a stack "a//&b") and a list
// that cannot be read (securityfs not mounted) leave the decision to the kernel.
func checkLoaded(profile, list string) error {
	if profile == "unconfined" || strings.HasPrefix(profile, ":") || strings.Contains(profile, "//&") {
		return nil
	}
	data, err := os.ReadFile(list)
	if err != nil || profileListed(string(data), profile) {
		return nil
	}
	return notLoaded(profile, nil)
}

// profileListed reports whether the kernel's profile list, one "name (mode)" a line, has name.
func profileListed(list, name string) bool {
	for line := range strings.Lines(list) {
		line = strings.TrimSuffix(line, "\n")
		if i := strings.LastIndex(line, " ("); i >= 0 && line[:i] == name {
			return true
		}
	}
	return false
}

func notLoaded(profile string, err error) error {
	msg := fmt.Sprintf("process.apparmorProfile %q: the profile is not loaded (load it with apparmor_parser first)", profile)
	if err == nil {
		return errors.New(msg)
	}
	return fmt.Errorf("%s: %w", msg, err)
}

// checkProfileName refuses what would change the meaning of the "exec <profile>" command the
// kernel parses: a NUL or newline ends it early.
func checkProfileName(profile string) error {
	if strings.ContainsAny(profile, "\x00\n") {
		return fmt.Errorf("process.apparmorProfile %q: contains a NUL or newline", profile)
	}
	return nil
}

// ApplyAppArmor makes the next execve of the calling thread enter profile. An empty profile
// does nothing. It writes "exec <profile>" to the thread's AppArmor exec attribute: the
// module's own directory (attr/apparmor/exec, kernels with LSM stacking) or the shared
// attr/exec of older kernels. The write only takes effect at execve, so it may come before
// other steps, but it must come before a seccomp filter that could forbid it.
func ApplyAppArmor(profile string) error {
	if profile == "" {
		return nil
	}
	if err := checkProfileName(profile); err != nil {
		return err
	}
	cmd := "exec " + profile
	err := procfs.WriteThreadSelf("attr/apparmor/exec", cmd)
	if errors.Is(err, os.ErrNotExist) && !isWriteError(err) {
		err = procfs.WriteThreadSelf("attr/exec", cmd)
	}
	return explainApplyError(profile, err)
}

// explainApplyError names the field; the kernel answers ENOENT to the write when no profile
// has that name.
func explainApplyError(profile string, err error) error {
	switch {
	case err == nil:
		return nil
	case isWriteError(err) && errors.Is(err, unix.ENOENT):
		return notLoaded(profile, err)
	}
	return fmt.Errorf("process.apparmorProfile %q: %w", profile, err)
}

// isWriteError tells an error of the write itself from one of opening the attr file (ENOENT
// means "no such profile" for the first, "no such file" for the second).
func isWriteError(err error) bool {
	var pe *os.PathError
	return errors.As(err, &pe) && pe.Op == "write"
}
