package rootfs

import (
	"bufio"
	"fmt"
	"os"
	"path"
	"slices"
	"strings"

	pathrs "github.com/cyphar/filepath-securejoin/pathrs-lite"
	"github.com/cyphar/filepath-securejoin/pathrs-lite/procfs"
	"github.com/moby/sys/mountinfo"
	"golang.org/x/sys/unix"
)

// A "cgroup" mount gives the container its view of the cgroup v1 hierarchies, like runc: a
// tmpfs holding one directory per hierarchy. Without a cgroup namespace each directory is a
// bind of the container's own cgroup on the host; with one, a fresh cgroup mount (which the
// kernel roots at the namespace's cgroup). The hierarchies take the mount's flags (usually ro);
// the tmpfs keeps them except ro (its directories are made after it is mounted) and has mode
// 0555, so that without CAP_DAC_OVERRIDE nothing new appears beside the hierarchies. cgroup2 on
// a hybrid host (the "unified" hierarchy) is left out, as runc does.

// cgroupV1Mount makes the tmpfs; populateCgroupV1 fills it once attached.
func cgroupV1Mount(opts MountOptions) (*os.File, error) {
	mnt, err := newFS("tmpfs", "tmpfs", opts.Flags&^unix.MS_RDONLY, "mode=555")
	if err != nil {
		return nil, fmt.Errorf("mount tmpfs: %w", err)
	}
	return mnt, nil
}

type hierarchy struct {
	name        string // directory name: the host mount point's base name ("cpu,cpuacct")
	controllers string // as in /proc/self/cgroup ("cpu,cpuacct", "name=systemd")
	source      string // host path of this process's cgroup in the hierarchy
}

func populateCgroupV1(tmpfs *os.File, c *Config, opts MountOptions) error {
	ownNS := c.CgroupNS
	hs, err := ownHierarchies(ownNS)
	if err != nil {
		return err
	}
	for _, h := range hs {
		if err := mountHierarchy(tmpfs, h, ownNS, opts, c.InUserNS); err != nil {
			return fmt.Errorf("cgroup %s: %w", h.name, err)
		}
	}
	return linkCoMounted(tmpfs, hs)
}

func mountHierarchy(tmpfs *os.File, h hierarchy, ownNS bool, opts MountOptions, inUserNS bool) error {
	if err := unix.Mkdirat(int(tmpfs.Fd()), h.name, 0o755); err != nil {
		return os.NewSyscallError("mkdirat", err)
	}
	dir, err := openPath(int(tmpfs.Fd()), h.name)
	if err != nil {
		return err
	}
	defer dir.Close()
	var mnt *os.File
	if ownNS {
		mnt, err = newFS("cgroup", "cgroup", opts.Flags, h.controllers)
	} else {
		bind := opts
		bind.Flags = opts.Flags&^unix.MS_REC | unix.MS_BIND
		mnt, err = bindMount(h.source, bind, inUserNS)
	}
	if err != nil {
		return err
	}
	defer mnt.Close()
	return attach(mnt, dir)
}

// linkCoMounted adds "cpu" -> "cpu,cpuacct" style links for controllers that share a hierarchy.
func linkCoMounted(tmpfs *os.File, hs []hierarchy) error {
	for _, h := range hs {
		if !strings.Contains(h.name, ",") {
			continue
		}
		for _, ctrl := range strings.Split(h.name, ",") {
			err := unix.Symlinkat(h.name, int(tmpfs.Fd()), ctrl)
			if err != nil && err != unix.EEXIST {
				return os.NewSyscallError("symlinkat", err)
			}
		}
	}
	return nil
}

// ownHierarchies lists the v1 hierarchies this process is in, with the host path of its cgroup
// in each, from /proc/self/cgroup and /proc/self/mountinfo (read before pivot_root, so the
// host's mounts). In its own cgroup namespace init sees its cgroup as "/", which no longer
// matches the mounts' roots; only the controllers count then, as each hierarchy is mounted
// afresh.
func ownHierarchies(ownNS bool) ([]hierarchy, error) {
	proc, err := procfs.OpenProcRoot()
	if err != nil {
		return nil, err
	}
	defer proc.Close()
	paths, err := readSelfCgroup(proc)
	if err != nil {
		return nil, err
	}
	mi, err := openSelfReadable(proc, "mountinfo")
	if err != nil {
		return nil, err
	}
	defer mi.Close()
	mounts, err := mountinfo.GetMountsFromReader(mi, mountinfo.FSTypeFilter("cgroup"))
	if err != nil {
		return nil, fmt.Errorf("mountinfo: %w", err)
	}
	var hs []hierarchy
	for ctrls, cgPath := range paths {
		if h, ok := findHierarchy(mounts, ctrls, cgPath, ownNS); ok {
			hs = append(hs, h)
		}
	}
	slices.SortFunc(hs, func(a, b hierarchy) int { return strings.Compare(a.name, b.name) })
	return hs, nil
}

// readSelfCgroup maps the controllers of each v1 hierarchy to this process's cgroup path in it.
func readSelfCgroup(proc *procfs.Handle) (map[string]string, error) {
	f, err := openSelfReadable(proc, "cgroup")
	if err != nil {
		return nil, err
	}
	defer f.Close()
	paths := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) == 3 && parts[1] != "" {
			paths[parts[1]] = parts[2]
		}
	}
	return paths, sc.Err()
}

// findHierarchy finds the host mount of a hierarchy (the one whose super options name exactly
// its controllers) and joins this process's cgroup path below that mount's root. anyRoot: match
// on the controllers alone.
func findHierarchy(mounts []*mountinfo.Info, ctrls, cgPath string, anyRoot bool) (hierarchy, bool) {
	want := strings.Split(ctrls, ",")
	for _, m := range mounts {
		if !sameControllers(m.VFSOptions, want) {
			continue
		}
		rel := strings.TrimPrefix(cgPath, m.Root)
		if !anyRoot && m.Root != "/" && rel == cgPath {
			continue // our cgroup is not visible through this mount
		}
		return hierarchy{
			name:        path.Base(m.Mountpoint),
			controllers: ctrls,
			source:      path.Join(m.Mountpoint, rel),
		}, true
	}
	return hierarchy{}, false
}

func sameControllers(superOpts string, want []string) bool {
	var got []string
	for _, o := range strings.Split(superOpts, ",") {
		if o == "ro" || o == "rw" || strings.HasPrefix(o, "release_agent=") ||
			o == "clone_children" || o == "noprefix" || o == "xattr" || o == "cpuset_v2_mode" {
			continue
		}
		got = append(got, o)
	}
	slices.Sort(got)
	w := slices.Clone(want)
	slices.Sort(w)
	return slices.Equal(got, w)
}

// openSelfReadable opens /proc/self/<name> for reading: procfs handles give O_PATH fds.
func openSelfReadable(proc *procfs.Handle, name string) (*os.File, error) {
	h, err := proc.OpenSelf(name)
	if err != nil {
		return nil, err
	}
	defer h.Close()
	return pathrs.Reopen(h, unix.O_RDONLY)
}
