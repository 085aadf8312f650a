package main

import (
	"github.com/urfave/cli/v2"

	"github.com/berth-runtime/berth/libcontainer/container"
)

var deleteCommand = &cli.Command{
	Name:      "delete",
	Usage:     "delete any resources held by the container",
	ArgsUsage: "<container-id>",
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "force", Aliases: []string{"f"}, Usage: "forcibly delete the container if it is still running (uses SIGKILL)"},
	},
	Action: func(ctx *cli.Context) error {
		if err := checkArgs(ctx, 1); err != nil {
			return err
		}
		id := ctx.Args().First()
		return opError("delete", id, container.Delete(ctx.String("root"), id, ctx.Bool("force")))
	},
}
