package main

import (
	"github.com/urfave/cli/v2"

	"github.com/berth-runtime/berth/libcontainer/container"
)

var resumeCommand = &cli.Command{
	Name:      "resume",
	Usage:     "resumes all processes that have been previously paused",
	ArgsUsage: "<container-id>",
	Description: `The resume command thaws every process of a container that berth pause froze.
Use berth list to identify containers and their status.`,
	Action: func(ctx *cli.Context) error {
		return onLockedContainer(ctx, "resume", (*container.Container).Resume)
	},
}
