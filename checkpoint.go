package main

import (
	"github.com/urfave/cli/v2"

	"github.com/berth-runtime/berth/libcontainer/container"
)

// criuFlags are the flags checkpoint and restore share.
func criuFlags(imagePathUsage string) []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "image-path", Usage: imagePathUsage},
		&cli.StringFlag{Name: "work-path", Usage: "directory for criu's work files and logs"},
		&cli.BoolFlag{Name: "tcp-established", Usage: "allow established TCP connections"},
		&cli.BoolFlag{Name: "ext-unix-sk", Usage: "allow unix sockets connected outside the container"},
		&cli.BoolFlag{Name: "shell-job", Usage: "allow a process attached to a terminal of the caller"},
		&cli.BoolFlag{Name: "lazy-pages", Usage: "let userfaultfd bring memory pages in on demand"},
		&cli.BoolFlag{Name: "file-locks", Usage: "save and restore file locks"},
		&cli.StringFlag{Name: "manage-cgroups-mode", Usage: "how criu handles cgroups: 'soft' (default), 'full' or 'strict'"},
		&cli.StringSliceFlag{Name: "empty-ns", Usage: "a namespace to create without restoring its properties"},
		&cli.BoolFlag{Name: "auto-dedup", Usage: "deduplicate memory images as they are written"},
	}
}

var checkpointCommand = &cli.Command{
	Name:      "checkpoint",
	Usage:     "checkpoint a running container",
	ArgsUsage: "<container-id>",
	Description: `The checkpoint command saves a running container's state to criu images.
Not supported by berth yet: it fails with one line saying so.`,
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
		return opError("checkpoint", id, container.Checkpoint(ctx.String("root"), id, ctx.String("criu")))
	},
}

var restoreCommand = &cli.Command{
	Name:      "restore",
	Usage:     "restore a container from a previous checkpoint",
	ArgsUsage: "<container-id>",
	Description: `The restore command starts a container again from the criu images of berth checkpoint.
Not supported by berth yet: it fails with one line saying so.`,
	Flags: append(criuFlags("directory to read criu image files from"),
		&cli.StringFlag{Name: "console-socket", Usage: "unix socket that receives the master end of the container's terminal"},
		&cli.StringFlag{Name: "bundle", Aliases: []string{"b"}, Usage: "bundle directory (default: the current one)"},
		&cli.BoolFlag{Name: "detach", Aliases: []string{"d"}, Usage: "do not wait for the container's process"},
		&cli.StringFlag{Name: "pid-file", Usage: "file to write the container process's PID to"},
		&cli.BoolFlag{Name: "no-subreaper", Usage: "do not become the subreaper of the container's orphans"},
		&cli.BoolFlag{Name: "no-pivot", Usage: "enter the rootfs without pivot_root (a rootfs on a ramdisk)"},
		&cli.StringFlag{Name: "lsm-profile", Usage: "LSM profile to restore with, as TYPE:NAME"},
		&cli.StringFlag{Name: "lsm-mount-context", Usage: "LSM mount context to restore with"},
	),
	Action: func(ctx *cli.Context) error {
		if err := checkArgs(ctx, 1); err != nil {
			return err
		}
		id := ctx.Args().First()
		return opError("restore", id, container.Restore(ctx.String("root"), id, ctx.String("criu")))
	},
}
