package main

import (
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/berth-runtime/berth/libcontainer/container"
	"github.com/berth-runtime/berth/libcontainer/criu"
)

// criuFlags are the flags checkpoint and restore share.
func criuFlags(imagePathUsage string) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "image-path", Usage: imagePathUsage + " (default: ./checkpoint)"},
		&cli.StringFlag{Name: "work-path", Usage: "directory for criu's work files and logs (default: the image path)"},
		&cli.BoolFlag{Name: "tcp-established", Usage: "allow established TCP connections"},
		&cli.BoolFlag{Name: "ext-unix-sk", Usage: "allow unix sockets connected outside the container"},
		&cli.BoolFlag{Name: "shell-job", Usage: "allow a process attached to a terminal of the caller"},
		&cli.BoolFlag{Name: "lazy-pages", Usage: "let userfaultfd bring memory pages in on demand"},
		&cli.BoolFlag{Name: "file-locks", Usage: "save and restore file locks"},
		&cli.StringFlag{Name: "manage-cgroups-mode", Usage: "how criu handles cgroups: 'soft' (default), 'full', 'strict' or 'ignore'"},
		&cli.StringSliceFlag{Name: "empty-ns", Usage: "a namespace to create without restoring its properties"},
		&cli.BoolFlag{Name: "auto-dedup", Usage: "deduplicate memory images as they are written"},
	}
}

// criuOptions reads the flags of criuFlags (and checkpoint's own, where the command has them).
func criuOptions(ctx *cli.Context) criu.Options {
	image := ctx.String("image-path")
	if image == "" {
		if wd, err := os.Getwd(); err == nil {
			image = filepath.Join(wd, "checkpoint") // runc's default
		}
	}
	return criu.Options{
		ImagePath:      image,
		WorkPath:       ctx.String("work-path"),
		ParentPath:     ctx.String("parent-path"),
		LeaveRunning:   ctx.Bool("leave-running"),
		PreDump:        ctx.Bool("pre-dump"),
		TCPEstablished: ctx.Bool("tcp-established"),
		ExtUnixSk:      ctx.Bool("ext-unix-sk"),
		ShellJob:       ctx.Bool("shell-job"),
		FileLocks:      ctx.Bool("file-locks"),
		LazyPages:      ctx.Bool("lazy-pages"),
		AutoDedup:      ctx.Bool("auto-dedup"),
		StatusFd:       statusFd(ctx),
		PageServer:     ctx.String("page-server"),
		CgroupsMode:    ctx.String("manage-cgroups-mode"),
		EmptyNs:        ctx.StringSlice("empty-ns"),
		LsmProfile:     ctx.String("lsm-profile"),
		LsmMountCtx:    ctx.String("lsm-mount-context"),
	}
}

// statusFd is --status-fd, which only checkpoint has.
func statusFd(ctx *cli.Context) int {
	if !ctx.IsSet("status-fd") {
		return -1
	}
	return ctx.Int("status-fd")
}

var checkpointCommand = &cli.Command{
	Name:      "checkpoint",
	Usage:     "checkpoint a running container",
	ArgsUsage: "<container-id>",
	Description: `The checkpoint command saves a running container's processes to criu images
(criu must be installed; --criu names it). Unless --leave-running or --pre-dump, the container
is then stopped and removed, and "berth restore" brings it back under the same ID.`,
	Flags: append(criuFlags("directory to write criu image files to"),
		&cli.StringFlag{Name: "parent-path", Usage: "directory of the images of a previous pre-dump"},
		&cli.BoolFlag{Name: "leave-running", Usage: "keep the container running once it is saved"},
		&cli.IntFlag{Name: "status-fd", Value: -1, Usage: "fd criu writes \\0 to once lazy pages are ready"},
		&cli.StringFlag{Name: "page-server", Usage: "ADDRESS:PORT of a criu page server"},
		&cli.BoolFlag{Name: "pre-dump", Usage: "save memory only and keep the container running"},
	),
	Action: func(ctx *cli.Context) error {
		if err := checkArgs(ctx, 1); err != nil {
			return err
		}
		id := ctx.Args().First()
		o := criuOptions(ctx)
		return opError("checkpoint", id, container.Checkpoint(ctx.String("root"), id, ctx.String("criu"), &o))
	},
}
