package main

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/berth-runtime/berth/libcontainer/container"
)

// checkCommand is berth's own: runc has nothing like it.
var checkCommand = &cli.Command{
	Name:  "check",
	Usage: "check a bundle against the runtime-spec and this host, without creating anything",
	Description: `Runs the checks create runs, from the same code, and lists every problem with the
config.json field it concerns: errors (create would refuse the bundle) and warnings (create
goes on). Exit status 0 when there is no error, 1 otherwise.`,
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "bundle", Aliases: []string{"b"}, Value: ".", Usage: "path to the root of the bundle directory"},
		&cli.StringFlag{Name: "id", Value: "berth-check", Usage: "the container ID create would get (it names the default cgroup)"},
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "text", Usage: "select one of: text or json"},
	},
	Action: func(ctx *cli.Context) error {
		if err := checkArgs(ctx, 0); err != nil {
			return err
		}
		format := ctx.String("format")
		if format != "text" && format != "json" {
			return fmt.Errorf("check: --format %q: must be text or json", format)
		}
		problems, err := container.CheckBundle(&container.CheckOptions{
			Bundle: ctx.String("bundle"), ID: ctx.String("id"), CgroupDriver: cgroupDriver(ctx),
		})
		if err != nil {
			return fmt.Errorf("check: %w", err)
		}
		if err := printProblems(format, ctx.String("bundle"), problems); err != nil {
			return fmt.Errorf("check: %w", err)
		}
		for _, p := range problems {
			if p.Level == "error" {
				return &exitError{code: 1}
			}
		}
		return nil
	},
}

// printProblems writes the problems as lines ("error: ...") or as one JSON object.
func printProblems(format, bundle string, problems []container.Problem) error {
	if format == "json" {
		if problems == nil {
			problems = []container.Problem{}
		}
		return json.NewEncoder(os.Stdout).Encode(struct {
			Bundle   string              `json:"bundle"`
			Problems []container.Problem `json:"problems"`
		}{bundle, problems})
	}
	for _, p := range problems {
		fmt.Printf("%s: %s\n", p.Level, p.Message)
	}
	if len(problems) == 0 {
		fmt.Printf("bundle %s: no problems found\n", bundle)
	}
	return nil
}
