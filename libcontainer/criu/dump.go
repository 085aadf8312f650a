package criu

import (
	"fmt"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"google.golang.org/protobuf/proto"
)

// DumpRequest is one container to dump.
type DumpRequest struct {
	Bin    string // the criu binary (--criu)
	Opts   *Options
	Pid    int    // init's host PID: the root of the dumped tree
	Rootfs string // the container's root on the host
	Spec   *specs.Spec
	// FreezeCgroup: a freezer cgroup (v1 freezer dir, v2 cgroup dir) criu uses to stop the
	// tasks; "" to let criu seize them one by one.
	FreezeCgroup string
}

// Dump saves the process tree of a container to images with criu. Unless LeaveRunning or
// PreDump, criu kills the tasks once they are saved.
func Dump(r *DumpRequest) (err error) {
	o := r.Opts
	bin, err := checkBinary(r.Bin)
	if err != nil {
		return err
	}
	stdio, err := inspectStdio(r.Pid)
	if err != nil {
		return fmt.Errorf("init's stdio: %w", err)
	}
	d, err := openDirs(o, true)
	if err != nil {
		return err
	}
	defer func() { d.close(err != nil) }()
	opts, err := baseOpts(o, d, dumpLog)
	if err != nil {
		return err
	}
	opts.Pid = proto.Int32(int32(r.Pid))
	opts.Root = proto.String(r.Rootfs)
	opts.LeaveRunning = proto.Bool(o.LeaveRunning || o.PreDump)
	opts.External = append(DumpMounts(r.Spec), externalFiles(stdio)...)
	if r.FreezeCgroup != "" {
		opts.FreezeCgroup = proto.String(r.FreezeCgroup)
	}
	if o.ParentPath != "" {
		opts.ParentImg = proto.String(o.ParentPath)
		opts.TrackMem = proto.Bool(true)
	}
	if o.PreDump {
		opts.TrackMem = proto.Bool(true)
	}
	if o.PageServer != "" {
		if opts.Ps, err = pageServer(o.PageServer); err != nil {
			return err
		}
	}
	if o.StatusFd >= 0 {
		opts.StatusFd = proto.Int32(int32(o.StatusFd))
	}
	// Written before criu runs: a pre-dump or a failed dump leaves the same set of files.
	if err := saveStdio(o.ImagePath, stdio); err != nil {
		return fmt.Errorf("--image-path: %w", err)
	}
	c := newCriu(bin)
	op, run := "dump", c.Dump
	if o.PreDump {
		op, run = "pre-dump", c.PreDump
	}
	if err := run(opts, nil); err != nil {
		return failure(op, d, dumpLog, err)
	}
	return nil
}
