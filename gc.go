package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/berth-runtime/berth/libcontainer/container"
)

var gcCommand = &cli.Command{
	Name:  "gc",
	Usage: "remove the state and cgroups of containers whose init is gone (berth only)",
	Description: `gc looks at every container under --root and removes, as delete --force would,
those whose init process has exited (or is a zombie nobody reaps), and state directories whose
state file is missing or corrupt when the cgroup berth would have made for them is empty. Live
containers, and those another berth command is working on, are left alone. berth mounts
nothing in the host's mount namespace, so there is no mount to remove. It prints one line per
container removed; with --dry-run, one per container it would remove.`,
	Flags: []cli.Flag{
		&cli.BoolFlag{Name: "dry-run", Aliases: []string{"n"}, Usage: "list what would be removed, remove nothing"},
	},
	Action: func(ctx *cli.Context) error {
		if err := checkArgs(ctx, 0); err != nil {
			return err
		}
		dryRun := ctx.Bool("dry-run")
		removed, err := container.GC(ctx.String("root"), ctx.IsSet("root"), dryRun)
		verb := "removed"
		if dryRun {
			verb = "would remove"
		}
		for _, r := range removed {
			fmt.Printf("%s %s\n", verb, r)
		}
		return gcFailures(err)
	},
}

// gcFailures prints one line per container gc could not get past and exits 1; a joined error
// holds one per line.
func gcFailures(err error) error {
	if err == nil {
		return nil
	}
	var joined interface{ Unwrap() []error }
	if !errors.As(err, &joined) {
		return fmt.Errorf("gc: %w", err)
	}
	for _, e := range joined.Unwrap() {
		fmt.Fprintln(os.Stderr, "berth: gc: "+strings.ReplaceAll(e.Error(), "\n", " "))
	}
	return &exitError{1}
}
