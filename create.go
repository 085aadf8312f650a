package main

import (
	"github.com/urfave/cli/v2"

	"github.com/berth-runtime/berth/libcontainer/cgroups"
	"github.com/berth-runtime/berth/libcontainer/container"
)

var createFlags = []cli.Flag{
	&cli.StringFlag{Name: "bundle", Aliases: []string{"b"}, Usage: "path to the root of the bundle directory (default: current directory)"},
	&cli.StringFlag{Name: "console-socket", Usage: "path to an AF_UNIX socket which will receive the pty master when process.terminal is true"},
	&cli.StringFlag{Name: "pidfd-socket", Usage: "path to an AF_UNIX socket which will receive a pidfd of the container's init"},
	&cli.StringFlag{Name: "pid-file", Usage: "file to write the process id to"},
	&cli.BoolFlag{Name: "no-pivot", Usage: "do not use pivot_root to jail the process inside the rootfs"},
	&cli.BoolFlag{Name: "no-new-keyring", Usage: "do not create a new session keyring for the container"},
	&cli.IntFlag{Name: "preserve-fds", Usage: "pass N additional file descriptors (3 .. 3+N-1) to the container"},
}

var createCommand = &cli.Command{
	Name:      "create",
	Usage:     "create a container",
	ArgsUsage: "<container-id>",
	Flags:     createFlags,
	Action: func(ctx *cli.Context) error {
		if err := checkArgs(ctx, 1); err != nil {
			return err
		}
		id := ctx.Args().First()
		c, err := container.Create(createOptions(ctx, id))
		if err != nil {
			return opError("create", id, err)
		}
		c.Close()
		return nil
	},
}

func createOptions(ctx *cli.Context, id string) *container.CreateOptions {
	bundle := ctx.String("bundle")
	if bundle == "" {
		bundle = "."
	}
	return &container.CreateOptions{
		Root: ctx.String("root"), ID: id, Bundle: bundle,
		ConsoleSocket: ctx.String("console-socket"),
		PidfdSocket:   ctx.String("pidfd-socket"),
		PidFile:       ctx.String("pid-file"),
		NoPivot:       ctx.Bool("no-pivot"),
		NoNewKeyring:  ctx.Bool("no-new-keyring"),
		PreserveFds:   ctx.Int("preserve-fds"),
		CgroupDriver:  cgroupDriver(ctx),
		Rootless:      rootlessMode(ctx),
		ListenFds:     listenFds(),
	}
}

// cgroupDriver reads the global --systemd-cgroup flag.
func cgroupDriver(ctx *cli.Context) string {
	if ctx.Bool("systemd-cgroup") {
		return cgroups.DriverSystemd
	}
	return cgroups.DriverCgroupfs
}
