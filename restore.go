package main

import (
	"github.com/urfave/cli/v2"

	"github.com/berth-runtime/berth/libcontainer/container"
)

var restoreCommand = &cli.Command{
	Name:      "restore",
	Usage:     "restore a container from a previous checkpoint",
	ArgsUsage: "<container-id>",
	Description: `The restore command makes a container again from the bundle's config.json and the criu
images of "berth checkpoint", and resumes its processes where they were saved. In the
foreground it waits for the container's init and removes the container when it exits, as run
does; with --detach it returns once the processes run.`,
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
		bundle := ctx.String("bundle")
		if bundle == "" {
			bundle = "."
		}
		code, err := container.Restore(&container.RestoreOptions{
			Root: ctx.String("root"), ID: id, Bundle: bundle,
			CriuPath:      ctx.String("criu"),
			Criu:          criuOptions(ctx),
			PidFile:       ctx.String("pid-file"),
			ConsoleSocket: ctx.String("console-socket"),
			CgroupDriver:  cgroupDriver(ctx),
			Detach:        ctx.Bool("detach"),
		})
		if err != nil {
			return opError("restore", id, err)
		}
		if code != 0 {
			return &exitError{code}
		}
		return nil
	},
}
