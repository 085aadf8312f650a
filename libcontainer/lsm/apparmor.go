package lsm

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"strings"
)

const appArmorEnabledFile = "/sys/module/apparmor/parameters/enabled"

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
	return nil
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
	err := writeThreadSelf("attr/apparmor/exec", cmd)
	if errors.Is(err, os.ErrNotExist) {
		err = writeThreadSelf("attr/exec", cmd)
	}
	if err != nil {
		return fmt.Errorf("process.apparmorProfile %q: %w", profile, err)
	}
	return nil
}
