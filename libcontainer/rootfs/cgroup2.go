package rootfs

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path"
	"strings"

	"github.com/cyphar/filepath-securejoin/pathrs-lite/procfs"
	"golang.org/x/sys/unix"
)

// unifiedHost reports whether the host runs cgroup v2 alone (/sys/fs/cgroup is cgroup2), where
// a "cgroup" mount has no v1 hierarchies to show.
func unifiedHost() bool {
	var st unix.Statfs_t
	return unix.Statfs("/sys/fs/cgroup", &st) == nil && st.Type == unix.CGROUP2_SUPER_MAGIC
}

// cgroup2Mount is a "cgroup" or "cgroup2" mount on a pure v2 host. In its own cgroup namespace
// the container gets a fresh cgroup2 mount, which the kernel roots at the namespace's cgroup;
// without one, a bind of init's own cgroup directory, so that it never sees the host's tree.
func cgroup2Mount(c *Config, opts MountOptions) (*os.File, error) {
	if c.CgroupNS {
		mnt, err := newFS("cgroup2", "cgroup2", opts.Flags, "")
		if err != nil {
			return nil, fmt.Errorf("mount cgroup2: %w", err)
		}
		return mnt, nil
	}
	own, err := ownUnifiedCgroup()
	if err != nil {
		return nil, fmt.Errorf("cgroup2: %w", err)
	}
	return bindMount(path.Join("/sys/fs/cgroup", own), opts, c.InUserNS)
}

// ownUnifiedCgroup reads this process's cgroup v2 path (the "0::" line of /proc/self/cgroup)
// through a procfs handle of our own.
func ownUnifiedCgroup() (string, error) {
	proc, err := procfs.OpenProcRoot()
	if err != nil {
		return "", err
	}
	defer proc.Close()
	f, err := openSelfReadable(proc, "cgroup")
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if p, ok := strings.CutPrefix(sc.Text(), "0::"); ok {
			if !strings.HasPrefix(p, "/") || strings.Contains(p, "..") {
				return "", fmt.Errorf("unexpected cgroup path %q", p)
			}
			return p, nil
		}
	}
	if err := sc.Err(); err != nil {
		return "", err
	}
	return "", errors.New("no cgroup v2 line in /proc/self/cgroup")
}
