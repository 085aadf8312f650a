package namespaces

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/berth-runtime/berth/spec"
)

// Where the host's support is read; tests point these elsewhere.
var (
	procSelfNs        = "/proc/self/ns"
	maxUserNamespaces = "/proc/sys/user/max_user_namespaces"
)

// CheckHost refuses namespaces this kernel cannot give: a type it was built without (no
// /proc/self/ns entry: clone would fail with a bare EINVAL), or a new user namespace where
// user namespaces are switched off. It reads only the host's /proc.
func CheckHost(s *specs.Spec) error {
	if s.Linux == nil {
		return nil
	}
	for i, n := range s.Linux.Namespaces {
		ns, ok := spec.NamespaceOf(n.Type)
		if !ok {
			continue // validation names unknown types
		}
		field := fmt.Sprintf("linux.namespaces[%d] %s", i, n.Type)
		if _, err := os.Lstat(filepath.Join(procSelfNs, ns.Proc)); errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("%s: this kernel has no %s namespaces", field, n.Type)
		}
		if n.Type == specs.UserNamespace && n.Path == "" && userNamespacesOff() {
			return fmt.Errorf("%s: user namespaces are switched off on this host (%s is 0)", field, maxUserNamespaces)
		}
	}
	return nil
}

func userNamespacesOff() bool {
	b, err := os.ReadFile(maxUserNamespaces)
	return err == nil && strings.TrimSpace(string(b)) == "0"
}
