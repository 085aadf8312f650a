package main

import (
	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

	"github.com/berth-runtime/berth/libcontainer/container"
	"github.com/berth-runtime/berth/libcontainer/signals"
)

var killCommand = &cli.Command{
	Name:      "kill",
	Usage:     "send a signal to a container's init process (default SIGTERM)",
	ArgsUsage: "<container-id> [signal]",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: "send the signal to all processes in the container"},
	},
	Action: func(ctx *cli.Context) error {
		id, err := containerID(ctx)
		if err != nil {
			return err
		}
		if ctx.NArg() > 2 {
			return checkArgs(ctx, 2)
		}
		sig := unix.SIGTERM
		if ctx.NArg() == 2 {
			if sig, err = signals.Parse(ctx.Args().Get(1)); err != nil {
				return opError("kill", id, err)
			}
		}
		c, err := container.OpenSummary(ctx.String("root"), id)
		if err != nil {
			return opError("kill", id, err)
		}
		defer c.Close()
		return opError("kill", id, c.Kill(sig, ctx.Bool("all")))
	},
}
