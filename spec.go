package main

import (
	"fmt"

	"github.com/urfave/cli/v2"

	"github.com/berth-runtime/berth/spec"
)

var specCommand = &cli.Command{
	Name:  "spec",
	Usage: "create a new specification file (config.json)",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "bundle", Aliases: []string{"b"}, Value: ".", Usage: "path to the root of the bundle directory"},
		&cli.BoolFlag{Name: "rootless", Usage: "generate a configuration for a rootless container"},
	},
	Action: func(ctx *cli.Context) error {
		if err := checkArgs(ctx, 0); err != nil {
			return err
		}
		s := spec.Default()
		if ctx.Bool("rootless") {
			spec.ToRootless(s)
		}
		if err := spec.Write(ctx.String("bundle"), s); err != nil {
			return fmt.Errorf("spec: %w", err)
		}
		return nil
	},
}
