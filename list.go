package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"text/tabwriter"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/berth-runtime/berth/libcontainer/container"
	"github.com/berth-runtime/berth/libcontainer/state"
)

var listCommand = &cli.Command{
	Name:    "list",
	Aliases: []string{"ps-containers"},
	Usage:   "lists containers started by berth with the given root",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "select one of: table or json"},
		&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "display only container IDs"},
	},
	Action: func(ctx *cli.Context) error {
		if err := checkArgs(ctx, 0); err != nil {
			return err
		}
		states, broken, err := container.List(ctx.String("root"), ctx.IsSet("root"))
		if err != nil {
			return fmt.Errorf("list: %w", err)
		}
		// Like runc: the others are listed, a broken one is reported, and list succeeds.
		for _, err := range broken {
			fmt.Fprintf(os.Stderr, "berth: list: %v\n", err)
		}
		// One write at the end, not one per table cell.
		out := bufio.NewWriter(os.Stdout)
		defer out.Flush()
		if ctx.Bool("quiet") {
			for _, s := range states {
				fmt.Fprintln(out, s.ID)
			}
			return nil
		}
		switch ctx.String("format") {
		case "table":
			printTable(out, states)
		case "json":
			if states == nil {
				states = []*state.OCIState{}
			}
			return json.NewEncoder(out).Encode(states)
		default:
			return fmt.Errorf("list: --format %q: must be table or json", ctx.String("format"))
		}
		return nil
	},
}

func printTable(out io.Writer, states []*state.OCIState) {
	w := tabwriter.NewWriter(out, 12, 1, 3, ' ', 0)
	fmt.Fprint(w, "ID\tPID\tSTATUS\tBUNDLE\tCREATED\tOWNER\n")
	for _, s := range states {
		owner := s.Owner
		if owner == "" {
			owner = "root"
		}
		fmt.Fprintf(w, "%s\t%d\t%s\t%s\t%s\t%s\n", s.ID, s.Pid, s.Status, s.Bundle, s.Created.Format(time.RFC3339Nano), owner)
	}
	w.Flush()
}
