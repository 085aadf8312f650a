package criu

import (
	"fmt"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// inPrivateMountNS runs fn on an OS thread of its own, in a new mount namespace where every
// mount is a slave of the host's; processes fn starts are forked from that thread and start
// there too.
//
// criu restore mounts a "roots yard" under /tmp and its root (a bind of the rootfs) while it
// works. On a host whose mounts are shared (systemd's), those mounts propagate to the host's
// peers, and criu's own clean-up then fails ("Can't remove the directory
// /tmp/.criu.mntns.XXXXXX: Device or resource busy"). From a namespace of slaves nothing
// reaches the host, and nothing is left to unmount afterwards. Slaves, not private mounts: an
// external bind mount that was a slave of a host mount at dump (the container's cgroup
// directory) is made a slave again by copying the sharing of its source, which a private
// mount does not have ("Failed to copy sharing from ...: Invalid argument").
//
// The thread is never given back to the Go scheduler: it stays locked when fn returns, so the
// runtime ends it, and its namespace with it.
func inPrivateMountNS(fn func() error) error {
	done := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := unix.Unshare(unix.CLONE_NEWNS | unix.CLONE_FS); err != nil {
			done <- os.NewSyscallError("unshare mount namespace", err)
			return
		}
		if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_SLAVE, ""); err != nil {
			done <- fmt.Errorf("make mounts slaves: %w", err)
			return
		}
		done <- fn()
	}()
	return <-done
}

// bindRoot binds rootfs onto dir (an empty directory): criu wants its root to be a mount point
// whose parent is not mounted over. Called in the private namespace, so never undone.
func bindRoot(rootfs, dir string) error {
	if err := unix.Mount(rootfs, dir, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("bind rootfs %s for criu: %w", rootfs, err)
	}
	return nil
}
