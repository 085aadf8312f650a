package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/berth-runtime/berth/libcontainer/container"
)

var psCommand = &cli.Command{
	Name:      "ps",
	Usage:     "ps displays the processes running inside a container",
	ArgsUsage: "<container-id> [ps options]",
	Description: `Without ps options, berth runs "ps -ef"; the arguments after the container ID
(after an optional "--") are passed to ps(1) instead. Only the lines of the container's
processes are kept, so the output must have a PID column. --format json prints the PIDs.`,
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "format", Aliases: []string{"f"}, Value: "table", Usage: "select one of: table or json"},
	},
	Action: func(ctx *cli.Context) error {
		id, err := containerID(ctx)
		if err != nil {
			return err
		}
		format := ctx.String("format")
		if format != "table" && format != "json" {
			return fmt.Errorf("ps: --format %q: must be table or json", format)
		}
		c, err := container.PeekSummary(ctx.String("root"), id)
		if err != nil {
			return opError("ps", id, err)
		}
		pids, err := c.Pids()
		if err != nil {
			return opError("ps", id, err)
		}
		if format == "json" {
			return json.NewEncoder(os.Stdout).Encode(pids)
		}
		return opError("ps", id, printProcesses(os.Stdout, psArgs(ctx.Args().Tail()), pids))
	},
}

// psArgs returns the arguments for ps(1): those given after the container ID without a leading
// "--", or -ef.
func psArgs(extra []string) []string {
	if len(extra) > 0 && extra[0] == "--" {
		extra = extra[1:]
	}
	if len(extra) == 0 {
		return []string{"-ef"}
	}
	return extra
}

// printProcesses runs ps with args and prints its header and the lines of pids.
func printProcesses(w io.Writer, args []string, pids []int) error {
	var stderr bytes.Buffer
	cmd := exec.Command("ps", args...)
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return fmt.Errorf("ps %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
		}
		return fmt.Errorf("ps: %w", err)
	}
	lines, err := processLines(string(out), pids)
	if err != nil {
		return err
	}
	_, err = io.WriteString(w, strings.Join(lines, "\n")+"\n")
	return err
}

// processLines keeps ps's header and the lines whose PID column holds one of pids.
func processLines(out string, pids []int) ([]string, error) {
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	col := -1
	for i, name := range strings.Fields(lines[0]) {
		if name == "PID" {
			col = i
			break
		}
	}
	if col < 0 {
		return nil, errors.New("no PID column in the output of ps (add pid to its -o list)")
	}
	want := make(map[int]bool, len(pids))
	for _, p := range pids {
		want[p] = true
	}
	kept := []string{lines[0]}
	for _, line := range lines[1:] {
		fields := strings.Fields(line)
		if len(fields) <= col {
			continue
		}
		if pid, err := strconv.Atoi(fields[col]); err == nil && want[pid] {
			kept = append(kept, line)
		}
	}
	return kept, nil
}
