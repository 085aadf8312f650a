package main

import (
	"encoding/json"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/berth-runtime/berth/libcontainer/container"
)

var eventsCommand = &cli.Command{
	Name:      "events",
	Usage:     "display container events such as OOM notifications, cpu, memory, and IO usage statistics",
	ArgsUsage: "<container-id>",
	Description: `The events command prints one JSON object per line: the container's statistics
at once and then every --interval, and an "oom" event whenever the kernel's OOM killer kills one
of its processes, until the container stops.`,
	Flags: []cli.Flag{
		&cli.DurationFlag{Name: "interval", Value: 5 * time.Second, Usage: "set the stats collection interval"},
		&cli.BoolFlag{Name: "stats", Usage: "display the container's stats then exit"},
	},
	Action: func(ctx *cli.Context) error {
		if err := checkArgs(ctx, 1); err != nil {
			return err
		}
		id := ctx.Args().First()
		// No lock: events runs for as long as the container does and must not block delete.
		c, err := container.PeekSummary(ctx.String("root"), id)
		if err != nil {
			return opError("events", id, err)
		}
		enc := json.NewEncoder(os.Stdout)
		if ctx.Bool("stats") {
			s, err := c.Stats()
			if err != nil {
				return opError("events", id, err)
			}
			return enc.Encode(container.Event{Type: container.EventStats, ID: id, Data: s})
		}
		err = c.Events(ctx.Duration("interval"), func(e container.Event) error { return enc.Encode(e) })
		return opError("events", id, err)
	},
}
