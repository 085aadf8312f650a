package main

import (
	"encoding/json"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/berth-runtime/berth/libcontainer/features"
)

var featuresCommand = &cli.Command{
	Name:  "features",
	Usage: "show the enabled features",
	Description: `Show what this berth supports, as the runtime-spec's features document (JSON):
namespaces, mount options, hooks, seccomp actions and flags, cgroup drivers and more.`,
	Action: func(ctx *cli.Context) error {
		if err := checkArgs(ctx, 0); err != nil {
			return err
		}
		enc := json.NewEncoder(os.Stdout)
		enc.SetIndent("", "    ")
		return enc.Encode(features.Get(version, gitCommit))
	},
}
