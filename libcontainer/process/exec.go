package process

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// DefaultPath is searched when process.env has no PATH.
const DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// Program is the resolved program init will become.
type Program struct {
	Path string
	Argv []string
	Env  []string
}

// EnterCwd changes to process.cwd inside the container (creating it like runc does) and checks
// that the result really is inside the container's root: a cwd that leads through a leaked fd or
// out of the root would give the program a handle on the host (CVE-2024-21626).
func EnterCwd(p *specs.Process) error {
	cwd := p.Cwd
	if cwd == "" {
		cwd = "/"
	}
	if err := unix.Chdir(cwd); err != nil {
		if !errors.Is(err, unix.ENOENT) {
			return fmt.Errorf("process.cwd %q: %w", cwd, err)
		}
		if err := os.MkdirAll(cwd, 0o755); err != nil {
			return fmt.Errorf("process.cwd %q: create: %w", cwd, err)
		}
		if err := unix.Chdir(cwd); err != nil {
			return fmt.Errorf("process.cwd %q: %w", cwd, err)
		}
	}
	wd, err := unix.Getwd()
	if err != nil || !strings.HasPrefix(wd, "/") {
		return fmt.Errorf("process.cwd %q: resolves outside the container root", cwd)
	}
	return nil
}

// Resolve finds process.args[0] the way a shell would, using the PATH of process.env, so that a
// missing program fails `create` instead of `start`.
func Resolve(p *specs.Process) (*Program, error) {
	if len(p.Args) == 0 {
		return nil, fmt.Errorf("process.args: empty")
	}
	name := p.Args[0]
	path, err := lookPath(name, envPath(p.Env))
	if err != nil {
		return nil, fmt.Errorf("process.args[0] %q: %w", name, err)
	}
	return &Program{Path: path, Argv: p.Args, Env: p.Env}, nil
}

func envPath(env []string) string {
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], "PATH="); ok {
			return v
		}
	}
	return DefaultPath
}

var errNotFound = errors.New("executable file not found in $PATH")

func lookPath(name, path string) (string, error) {
	if strings.Contains(name, "/") {
		return name, checkExecutable(name)
	}
	for _, dir := range filepath.SplitList(path) {
		if dir == "" {
			dir = "."
		}
		candidate := filepath.Join(dir, name)
		if checkExecutable(candidate) == nil {
			return candidate, nil
		}
	}
	return "", errNotFound
}

func checkExecutable(path string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	if fi.IsDir() {
		return fmt.Errorf("is a directory")
	}
	if fi.Mode()&0o111 == 0 {
		return fmt.Errorf("permission denied: not executable")
	}
	return nil
}

// Exec replaces init with the program. It returns only on failure.
func (prog *Program) Exec() error {
	err := unix.Exec(prog.Path, prog.Argv, prog.Env)
	return fmt.Errorf("exec %q: %w", prog.Path, err)
}
