package criu

import (
	"errors"

	"github.com/checkpoint-restore/go-criu/v7/rpc"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"google.golang.org/protobuf/proto"
)

// RestoreRequest is one container to restore.
type RestoreRequest struct {
	Bin    string
	Opts   *Options
	Rootfs string // the container's root on the host
	// RootDir: an empty directory where the rootfs is bound for criu, in a mount namespace of
	// criu's own (see inPrivateMountNS).
	RootDir string
	Spec    *specs.Spec
	Bundle  string // relative bind mount sources are relative to it
	// CgroupDir: the container's cgroup v2 directory on the host, bound where config.json
	// mounts "cgroup" when that mount is a bind (see cgroupIsBind).
	CgroupDir string
}

// Restore recreates a container's process tree from images and returns the host PID of its
// init. The restored tree is a child of the caller (criu's --restore-sibling), and its fds
// 0-2 that came from outside the container are the caller's own.
func Restore(r *RestoreRequest) (pid int, err error) {
	bin, err := checkBinary(r.Bin)
	if err != nil {
		return 0, err
	}
	stdio, err := loadStdio(r.Opts.ImagePath)
	if err != nil {
		return 0, err
	}
	inherit, dups, err := inheritedStdio(stdio)
	if err != nil {
		return 0, err
	}
	defer closeAll(dups)
	n := &restoreNotify{}
	// The directories are opened in the private namespace: criu works in its work directory,
	// and a directory fd of the host's namespace is not a place where it may mount.
	err = inPrivateMountNS(func() error {
		d, err := openDirs(r.Opts, false)
		if err != nil {
			return err
		}
		defer d.close(false)
		opts, err := restoreOpts(r, d, inherit)
		if err != nil {
			return err
		}
		if err := bindRoot(r.Rootfs, r.RootDir); err != nil {
			return err
		}
		if err := newCriu(bin).Restore(opts, n); err != nil {
			return failure("restore", d, restoreLog, err)
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	if n.pid <= 0 {
		return 0, errors.New("criu restore succeeded but never said the restored PID")
	}
	return n.pid, nil
}

func restoreOpts(r *RestoreRequest, d *dirs, inherit []*rpc.InheritFd) (*rpc.CriuOpts, error) {
	o := r.Opts
	opts, err := baseOpts(o, d, restoreLog)
	if err != nil {
		return nil, err
	}
	opts.Root = proto.String(r.RootDir)
	opts.RstSibling = proto.Bool(true)
	opts.External = RestoreMounts(r.Spec, r.Bundle, r.CgroupDir)
	opts.InheritFd = inherit
	if o.LsmProfile != "" {
		opts.LsmProfile = proto.String(o.LsmProfile)
	}
	if o.LsmMountCtx != "" {
		opts.LsmMountContext = proto.String(o.LsmMountCtx)
	}
	return opts, nil
}
