//go:build berth_docs

package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/urfave/cli/v2"
)

// The man page is generated from the CLI's own definitions by a build of berth with this tag
// (`make man`); release builds leave urfave/cli's document generator out (urfave_cli_no_docs).
func init() {
	extraCommands = append(extraCommands, genManCommand)
}

var genManCommand = &cli.Command{
	Name:      "gen-man",
	Usage:     "write berth(8) from the command-line definitions into DIR",
	ArgsUsage: "DIR",
	Hidden:    true,
	Action: func(c *cli.Context) error {
		if c.NArg() != 1 {
			return fmt.Errorf("gen-man: want one DIR")
		}
		page, err := c.App.ToManWithSection(8)
		if err != nil {
			return fmt.Errorf("gen-man: %w", err)
		}
		return os.WriteFile(filepath.Join(c.Args().First(), "berth.8"), []byte(page), 0o644)
	},
}
