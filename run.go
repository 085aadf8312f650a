package main

import (
	"github.com/urfave/cli/v2"

	"github.com/berth-runtime/berth/libcontainer/container"
)

var runCommand = &cli.Command{
	Name:      "run",
	Usage:     "create and run a container",
	ArgsUsage: "<container-id>",
	Flags: append([]cli.Flag{
		&cli.BoolFlag{Name: "detach", Aliases: []string{"d"}, Usage: "detach from the container's process"},
		&cli.BoolFlag{Name: "keep", Usage: "do not delete the container after it exits"},
	}, createFlags...),
	Action: func(ctx *cli.Context) error {
		if err := checkArgs(ctx, 1); err != nil {
			return err
		}
		id := ctx.Args().First()
		code, err := container.Run(&container.RunOptions{
			CreateOptions: *createOptions(ctx, id),
			Detach:        ctx.Bool("detach"),
			Keep:          ctx.Bool("keep"),
		})
		if err != nil {
			return opError("run", id, err)
		}
		if code != 0 {
			return &exitError{code}
		}
		return nil
	},
}
