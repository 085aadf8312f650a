package main

import (
	"errors"
	"fmt"
	"strconv"

	"github.com/urfave/cli/v2"
)

// before runs ahead of every command: logging first, so that what fails next is logged.
func before(c *cli.Context) error {
	if err := setupLogging(c); err != nil {
		return err
	}
	return checkRootless(c.String("rootless"))
}

// checkRootless reads --rootless as runc does ("auto" or a boolean). berth has no rootless mode:
// "true" is refused rather than ignored, since the container would not get what was asked;
// "auto" and "false" are what berth does anyway, run as root.
func checkRootless(value string) error {
	if value == "" || value == "auto" {
		return nil
	}
	rootless, err := strconv.ParseBool(value)
	if err != nil {
		return fmt.Errorf("--rootless %q: must be true, false or auto", value)
	}
	if rootless {
		return errors.New("--rootless " + value + ": rootless mode is not supported (run berth as root without it)")
	}
	return nil
}

// commandNotFound answers a command name berth does not know (berth foo, berth help foo,
// berth foo -h) with one line and status 1, like any other usage error.
func commandNotFound(c *cli.Context, name string) {
	fail(fmt.Errorf("%q is not a berth command (see berth --help)", name))
}
