package cgroups

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/opencontainers/cgroups"
	"golang.org/x/sys/unix"
)

// Joining the cgroup: init joins by itself before its Go runtime starts (the tasks files of v1
// that the C constructor writes into, the v2 directory for clone3), exec may join sub-cgroups
// (--cgroup), and with systemd the host moves the process.

// OpenJoinFiles returns what init needs to join the cgroup by itself: on cgroup v1 one open
// `tasks` file per hierarchy (init's C constructor writes "0" into each while it is still one
// thread: ~0.1 ms, where the host writing init's PID into cgroup.procs waits for an RCU grace
// period); on v2 the cgroup's directory, for clone3 CLONE_INTO_CGROUP. sub names sub-cgroups
// to join instead (exec --cgroup): by controller, "" for all of them.
func (m *Manager) OpenJoinFiles(sub map[string]string) (tasks []*os.File, v2dir *os.File, err error) {
	return m.openJoinFiles(sub, true)
}

func (m *Manager) openJoinFiles(sub map[string]string, withV2 bool) (tasks []*os.File, v2dir *os.File, err error) {
	if cgroups.IsCgroup2UnifiedMode() {
		path, err := subPath(m.m.Path(""), pick(sub, ""))
		if err != nil {
			return nil, nil, err
		}
		dir, err := openPassed(path, unix.O_PATH|unix.O_DIRECTORY)
		if err != nil {
			return nil, nil, err
		}
		return nil, dir, nil
	}
	// On failure, close what the earlier hierarchies opened.
	defer func() {
		if err != nil {
			closeFiles(tasks)
			if v2dir != nil {
				v2dir.Close()
			}
			tasks, v2dir = nil, nil
		}
	}()
	seen := map[string]bool{}
	for ctrl, base := range m.m.GetPaths() {
		if base == "" {
			continue
		}
		p, err := subPath(base, pick(sub, ctrl))
		if err != nil {
			return tasks, v2dir, err
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		if ctrl == "" {
			// The cgroup2 hierarchy of a hybrid host: no tasks file there, and writing
			// cgroup.procs would pay the slow global lock; clone3 joins it for free.
			// Not rootless: a move in cgroup2 needs write access to the common ancestor's
			// cgroup.procs (the root's, here), which a delegated subtree does not give; the
			// library only tries this hierarchy and ignores failures too.
			if m.config != nil && m.config.Rootless {
				continue
			}
			if !withV2 {
				continue
			}
			if v2dir, err = openPassed(p, unix.O_PATH|unix.O_DIRECTORY); err != nil {
				return tasks, nil, err
			}
			continue
		}
		f, err := openPassed(p+"/tasks", unix.O_WRONLY)
		if err != nil {
			return tasks, v2dir, err
		}
		tasks = append(tasks, f)
	}
	return tasks, v2dir, nil
}

// openPassed opens a cgroup file that is only passed on to init, never read or written here:
// without os.OpenFile's poller set-up, five system calls fewer per file (fcntl twice, an
// epoll_ctl that cgroupfs refuses, fcntl twice again); create waits for these.
func openPassed(path string, flags int) (*os.File, error) {
	fd, err := unix.Open(path, flags|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open cgroup: %w", &os.PathError{Op: "open", Path: path, Err: err})
	}
	return os.NewFile(uintptr(fd), path), nil
}

// CanJoinLater says whether init may start before the cgroup is made and take its tasks
// files afterwards (OpenTasks): cgroupfs on a v1 or hybrid host, not rootless. On a pure v2
// host clone3 places init, which needs the directory first; systemd places it after its start;
// a rootless create learns only from making the cgroup which hierarchies it may join.
func (m *Manager) CanJoinLater() bool {
	return m.JoinsItself() && !m.config.Rootless && !cgroups.IsCgroup2UnifiedMode()
}

// MakeUnified makes the cgroup's directory in a hybrid host's cgroup2 hierarchy, which init
// joins by clone3 when it starts (CanJoinLater), and opens it for that; nil without one. Create
// finds it made.
func (m *Manager) MakeUnified() (*os.File, error) {
	path, ok := m.m.GetPaths()[""]
	if !ok || path == "" {
		return nil, nil
	}
	if err := os.MkdirAll(path, 0o755); err != nil {
		return nil, NameField(fmt.Errorf("create cgroup: %w", err))
	}
	return openPassed(path, unix.O_PATH|unix.O_DIRECTORY)
}

// OpenTasks opens the v1 tasks files of the cgroup made by Create, for an init started before
// it (CanJoinLater), which is in the cgroup2 hierarchy already.
func (m *Manager) OpenTasks() ([]*os.File, error) {
	tasks, _, err := m.openJoinFiles(nil, false)
	return tasks, err
}

func pick(sub map[string]string, ctrl string) string {
	if p, ok := sub[ctrl]; ok {
		return p
	}
	return sub[""]
}

// subPath joins a sub-cgroup below the container's, refusing one that climbs out of it.
func subPath(base, sub string) (string, error) {
	if sub == "" {
		return base, nil
	}
	clean := filepath.Clean("/" + sub)
	if clean != "/"+strings.TrimPrefix(sub, "/") || strings.Contains(sub, "..") {
		return "", fmt.Errorf("--cgroup %q: must be a path below the container's cgroup", sub)
	}
	return filepath.Join(base, clean), nil
}

// ParseSubCgroups reads exec's --cgroup values: "PATH" for every controller, or
// "CTRL[,CTRL...]:PATH".
func ParseSubCgroups(values []string) (map[string]string, error) {
	if len(values) == 0 {
		return nil, nil
	}
	sub := map[string]string{}
	for _, v := range values {
		ctrls, path, ok := strings.Cut(v, ":")
		if !ok {
			ctrls, path = "", v
		}
		if path == "" {
			return nil, fmt.Errorf("--cgroup %q: empty path", v)
		}
		for _, c := range strings.Split(ctrls, ",") {
			if _, dup := sub[c]; dup {
				return nil, fmt.Errorf("--cgroup %q: controller %q given twice", v, c)
			}
			sub[c] = path
		}
	}
	return sub, nil
}

func closeFiles(fs []*os.File) {
	for _, f := range fs {
		f.Close()
	}
}

// Join adds pid to the container's cgroup (exec with the systemd driver; cgroupfs joins by
// itself through OpenJoinFiles).
func (m *Manager) Join(pid int) error {
	if err := m.m.AddPid("", pid); err != nil {
		return fmt.Errorf("join cgroup: %w", err)
	}
	return nil
}
