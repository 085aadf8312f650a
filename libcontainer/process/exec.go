package process

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
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

// MakeCwd creates process.cwd when the rootfs lacks it, as runc does. It runs after pivot_root
// (every path now resolves inside the container) but before the root may turn read-only.
func MakeCwd(p *specs.Process) error {
	if p.Cwd == "" {
		return nil
	}
	if err := os.MkdirAll(p.Cwd, 0o755); err != nil {
		return fmt.Errorf("process.cwd %q: create: %w", p.Cwd, err)
	}
	return nil
}

// EnterCwd changes to process.cwd inside the container and checks that the result really is
// inside the container's root: a cwd that leads through a leaked fd or out of the root would
// give the program a handle on the host (CVE-2024-21626).
func EnterCwd(p *specs.Process) error {
	cwd := p.Cwd
	if cwd == "" {
		cwd = "/"
	}
	if err := unix.Chdir(cwd); err != nil {
		return fmt.Errorf("process.cwd %q: %w", cwd, err)
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

// AddHome sets HOME from the container's /etc/passwd (or "/") when process.env lacks it, as
// runc and login shells do.
func AddHome(p *specs.Process) {
	for _, e := range p.Env {
		if strings.HasPrefix(e, "HOME=") {
			return
		}
	}
	p.Env = append(p.Env, "HOME="+homeOf(p.User.UID, "/etc/passwd"))
}

// homeOf reads at most 1 MiB of a passwd file from the container: its content is untrusted.
func homeOf(uid uint32, passwd string) string {
	f, err := os.Open(passwd)
	if err != nil {
		return "/"
	}
	defer f.Close()
	want := strconv.FormatUint(uint64(uid), 10)
	sc := bufio.NewScanner(io.LimitReader(f, 1<<20))
	for sc.Scan() {
		fields := strings.Split(sc.Text(), ":")
		if len(fields) >= 6 && fields[2] == want && strings.HasPrefix(fields[5], "/") {
			return fields[5]
		}
	}
	return "/"
}
