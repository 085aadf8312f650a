package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// before runs ahead of every command: logging first, so that what fails next is logged.
func before(c *cli.Context) error {
	if err := setupLogging(c); err != nil {
		return err
	}
	if _, err := parseRootless(c.String("rootless"), 0, false); err != nil {
		return err
	}
	prepareXDGRoot(c)
	return nil
}

// commandNotFound answers a command name berth does not know (berth foo, berth help foo,
// berth foo -h) with one line and status 1, like any other usage error.
func commandNotFound(c *cli.Context, name string) {
	fail(fmt.Errorf("%q is not a berth command (see berth --help)", name))
}
