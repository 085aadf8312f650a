package main

import (
	"github.com/urfave/cli/v2"

	"github.com/berth-runtime/berth/libcontainer/container"
)

var startCommand = &cli.Command{
	Name:      "start",
	Usage:     "execute the user defined process in a created container",
	ArgsUsage: "<container-id>",
	Action: func(ctx *cli.Context) error {
		if err := checkArgs(ctx, 1); err != nil {
			return err
		}
		id := ctx.Args().First()
		c, err := container.OpenLifecycle(ctx.String("root"), id)
		if err != nil {
			return opError("start", id, err)
		}
		defer c.Close()
		return opError("start", id, c.Start())
	},
}
