// Package idmap makes idmapped mounts (runtime-spec mounts[].uidMappings/gidMappings and the
// idmap/ridmap options): a bind mount whose file owners are seen through a user namespace's id
// mappings.
//
// The kernel takes the mappings from a user namespace fd (mount_setattr MOUNT_ATTR_IDMAP), and
// only a process privileged over the source's filesystem may set them, which the container's
// init, inside its own user namespace, is not. Nor may the host make the clone itself: a clone
// made on the host carries the host's mount flags (ro, nosuid, nodev, noexec) unlocked, and the
// container's root could clear them; a clone init makes in its own mount namespace inherits
// them locked. So init clones the source (open_tree OPEN_TREE_CLONE), hands the detached mount
// to the host, the host applies the mappings here, and init attaches the mount.
//
// A user namespace holding given mappings is made by starting a child in a new user namespace
// that stops (ptrace) before it runs any code of its own, writing its maps from here, opening
// /proc/PID/ns/user and killing it: the namespace lives on as long as the fd.
//
// A file owned on disk by id N appears, through a mapping {containerID C, hostID H, size S},
// owned by H+(N-C) when C <= N < C+S, and by the overflow id (65534) otherwise.
package idmap

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"runtime"
	"syscall"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Apply gives the detached mount mnt (a clone that open_tree OPEN_TREE_CLONE made and nothing
// attached yet) the mappings of the user namespace userns: on its top mount, or on every mount
// of the tree when recursive (ridmap).
func Apply(mnt *os.File, recursive bool, userns *os.File) error {
	attr := unix.MountAttr{Attr_set: unix.MOUNT_ATTR_IDMAP, Userns_fd: uint64(userns.Fd())}
	flags := uint(unix.AT_EMPTY_PATH)
	if recursive {
		flags |= unix.AT_RECURSIVE
	}
	err := retry(func() error { return unix.MountSetattr(int(mnt.Fd()), "", flags, &attr) })
	runtime.KeepAlive(userns)
	if err != nil {
		return explainSetattr(os.NewSyscallError("mount_setattr MOUNT_ATTR_IDMAP", err))
	}
	return nil
}

// explainSetattr adds the usual cause to the kernel's bare EINVAL.
func explainSetattr(err error) error {
	if errors.Is(err, unix.EINVAL) {
		return fmt.Errorf("%w (the filesystem may not support idmapped mounts, or a mount in the tree is already idmapped)", err)
	}
	return err
}

// UserNS returns an fd of a new user namespace with the given mappings. No process is left in
// it: the namespace lives as long as the fd.
func UserNS(uids, gids []specs.LinuxIDMapping) (*os.File, error) {
	return withHolder(uids, gids, func(int) error { return nil })
}

// withHolder starts a holder whose new user namespace gets uids and gids (nil: none yet),
// calls mapIDs with its PID (to write the mappings from outside), and returns the namespace
// open: it lives as long as the fd. The holder is killed and reaped before it returns.
func withHolder(uids, gids []specs.LinuxIDMapping, mapIDs func(pid int) error) (*os.File, error) {
	// The tracer of a PTRACE_TRACEME child is the thread that forked it; keep this goroutine
	// on it until the child is reaped.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cmd := holder(uids, gids)
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("new user namespace: %w", err)
	}
	// The child is stopped at its exec (SIGTRAP), before any instruction of its own. Wait's
	// error is the "signal: killed" we cause; a failed Kill would show as Wait blocking, and
	// cannot fail on a child of ours that Wait has not reaped.
	defer func() {
		if err := cmd.Process.Kill(); err != nil {
			slog.Warn("new user namespace: kill the holder process", "pid", cmd.Process.Pid, "error", err)
		}
		_ = cmd.Wait()
	}()
	if err := mapIDs(cmd.Process.Pid); err != nil {
		return nil, err
	}
	f, err := os.Open(fmt.Sprintf("/proc/%d/ns/user", cmd.Process.Pid))
	if err != nil {
		return nil, fmt.Errorf("new user namespace: %w", err)
	}
	return f, nil
}

// holder is the child that carries the namespace for a moment: berth's own binary, run in a
// new user namespace under ptrace, so it stops as its exec completes and never runs.
func holder(uids, gids []specs.LinuxIDMapping) *exec.Cmd {
	return &exec.Cmd{
		Path: "/proc/self/exe",
		Args: []string{"berth-userns-holder"},
		Env:  []string{},
		SysProcAttr: &syscall.SysProcAttr{
			Cloneflags:  syscall.CLONE_NEWUSER,
			UidMappings: sysProcIDMaps(uids),
			GidMappings: sysProcIDMaps(gids),
			Ptrace:      true,
			Pdeathsig:   syscall.SIGKILL,
		},
	}
}

func sysProcIDMaps(maps []specs.LinuxIDMapping) []syscall.SysProcIDMap {
	if maps == nil {
		return nil // Go writes no map at all (UserNSByHelpers' helpers write them)
	}
	out := make([]syscall.SysProcIDMap, len(maps))
	for i, m := range maps {
		out[i] = syscall.SysProcIDMap{ContainerID: int(m.ContainerID), HostID: int(m.HostID), Size: int(m.Size)}
	}
	return out
}

func retry(f func() error) error {
	for {
		if err := f(); !errors.Is(err, unix.EINTR) {
			return err
		}
	}
}
