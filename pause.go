package main

import (
	"github.com/urfave/cli/v2"

	"github.com/berth-runtime/berth/libcontainer/container"
)

var pauseCommand = &cli.Command{
	Name:      "pause",
	Usage:     "pause suspends all processes inside the container",
	ArgsUsage: "<container-id>",
	Description: `The pause command freezes every process of the container through its freezer
cgroup. Use berth list to identify containers and their status.`,
	Action: func(ctx *cli.Context) error {
		return onLockedContainer(ctx, "pause", (*container.Container).Pause)
	},
}

// onLockedContainer runs op on the container named by the command's only argument, holding its
// lock meanwhile.
func onLockedContainer(ctx *cli.Context, name string, op func(*container.Container) error) error {
	if err := checkArgs(ctx, 1); err != nil {
		return err
	}
	id := ctx.Args().First()
	c, err := container.OpenSummary(ctx.String("root"), id)
	if err != nil {
		return opError(name, id, err)
	}
	defer c.Close()
	return opError(name, id, op(c))
}
