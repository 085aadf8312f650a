package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/urfave/cli/v2"

	"github.com/berth-runtime/berth/libcontainer/container"
)

var updateCommand = &cli.Command{
	Name:      "update",
	Usage:     "update container resource constraints",
	ArgsUsage: "<container-id>",
	Description: `Changes the given limits of a created, running or paused container; the others keep
their values. Memory sizes take a k, m, g, t or p suffix (512m, 1.5g); -1 means unlimited.

With --resources, the limits come from a JSON object in the form of linux.resources of
config.json, e.g. {"memory": {"limit": 536870912}, "cpu": {"shares": 512}, "pids": {"limit": 100}},
and all other options are ignored.`,
	Flags: updateCLIFlags(),
	Action: func(ctx *cli.Context) error {
		if err := checkArgs(ctx, 1); err != nil {
			return err
		}
		id := ctx.Args().First()
		r, err := requestedResources(ctx)
		if err != nil {
			return opError("update", id, err)
		}
		c, err := container.Open(ctx.String("root"), id)
		if err != nil {
			return opError("update", id, err)
		}
		defer c.Close()
		return opError("update", id, c.Update(r))
	},
}

// updateFlag is one option of update and the linux.resources field it sets.
type updateFlag struct {
	name, usage string
	set         func(r *specs.LinuxResources, value string) error
}

var updateFlags = []updateFlag{
	{"blkio-weight", "block IO weight relative to other containers, 10 to 1000", func(r *specs.LinuxResources, v string) error {
		w, err := strconv.ParseUint(v, 10, 16)
		blockIO(r).Weight = ptr(uint16(w))
		return err
	}},
	{"cpu-period", "CPU CFS period used for hard capping (in µs); 0 keeps the current one", func(r *specs.LinuxResources, v string) error {
		p, err := strconv.ParseUint(v, 10, 64)
		cpu(r).Period = &p
		return err
	}},
	{"cpu-quota", "CPU CFS hard cap: CPU time allowed in a period (in µs), -1 for none", func(r *specs.LinuxResources, v string) error {
		q, err := strconv.ParseInt(v, 10, 64)
		cpu(r).Quota = &q
		return err
	}},
	{"cpu-share", "CPU shares (relative weight vs. other containers)", func(r *specs.LinuxResources, v string) error {
		s, err := strconv.ParseUint(v, 10, 64)
		cpu(r).Shares = &s
		return err
	}},
	{"cpu-rt-period", "CPU realtime period (in µs); 0 keeps the current one", func(r *specs.LinuxResources, v string) error {
		p, err := strconv.ParseUint(v, 10, 64)
		cpu(r).RealtimePeriod = &p
		return err
	}},
	{"cpu-rt-runtime", "CPU realtime runtime allowed in a period (in µs)", func(r *specs.LinuxResources, v string) error {
		t, err := strconv.ParseInt(v, 10, 64)
		cpu(r).RealtimeRuntime = &t
		return err
	}},
	{"cpuset-cpus", "CPU(s) to use, e.g. 0-2,4", func(r *specs.LinuxResources, v string) error {
		cpu(r).Cpus = v
		return nil
	}},
	{"cpuset-mems", "memory node(s) to use, e.g. 0", func(r *specs.LinuxResources, v string) error {
		cpu(r).Mems = v
		return nil
	}},
	{"memory", "memory limit (bytes, or with a k, m, g suffix), -1 for none", func(r *specs.LinuxResources, v string) error {
		n, err := parseMemorySize(v)
		memory(r).Limit = &n
		return err
	}},
	{"memory-reservation", "memory reservation or soft limit (bytes, or with a k, m, g suffix)", func(r *specs.LinuxResources, v string) error {
		n, err := parseMemorySize(v)
		memory(r).Reservation = &n
		return err
	}},
	{"memory-swap", "total memory usage (memory + swap); set -1 to enable unlimited swap", func(r *specs.LinuxResources, v string) error {
		n, err := parseMemorySize(v)
		memory(r).Swap = &n
		return err
	}},
	{"pids-limit", "maximum number of pids allowed in the container, -1 for none; 0 keeps the current one", func(r *specs.LinuxResources, v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		if n != 0 { // runc's default: 0 is "not given"
			r.Pids = &specs.LinuxPids{Limit: &n}
		}
		return err
	}},
	{"l3-cache-schema", "the string of Intel RDT/CAT L3 cache schema (not supported)", rdtUnsupported},
	{"mem-bw-schema", "the string of Intel RDT/MBA memory bandwidth schema (not supported)", rdtUnsupported},
}

var errRDT = errors.New("intel rdt is not supported by berth")

func rdtUnsupported(*specs.LinuxResources, string) error { return errRDT }

// updateCLIFlags returns --resources and one string flag per updateFlags entry: taking every
// value as a string lets update tell a flag given as 0 from one not given, and parse sizes.
func updateCLIFlags() []cli.Flag {
	flags := []cli.Flag{&cli.StringFlag{
		Name: "resources", Aliases: []string{"r"},
		Usage: "path to a JSON file with the resources to update, or '-' to read it from standard input",
	}}
	for _, f := range updateFlags {
		flag := &cli.StringFlag{Name: f.name, Usage: f.usage}
		if f.name == "cpu-share" {
			flag.Aliases = []string{"cpu-shares"} // the runtime-spec's and docker's name
		}
		flags = append(flags, flag)
	}
	return flags
}

// requestedResources returns what update was asked to change: the --resources JSON, or else
// the flags given.
func requestedResources(ctx *cli.Context) (*specs.LinuxResources, error) {
	if path := ctx.String("resources"); path != "" {
		return readResources(path, os.Stdin)
	}
	return resourcesFromFlags(func(name string) (string, bool) {
		return ctx.String(name), ctx.IsSet(name)
	})
}

// resourcesFromFlags builds linux.resources from the update flags that lookup reports as given.
func resourcesFromFlags(lookup func(name string) (value string, given bool)) (*specs.LinuxResources, error) {
	r := &specs.LinuxResources{}
	for _, f := range updateFlags {
		v, given := lookup(f.name)
		if !given || strings.TrimSpace(v) == "" { // runc too takes an empty value as not given
			continue
		}
		if err := f.set(r, strings.TrimSpace(v)); err != nil {
			return nil, fmt.Errorf("--%s %q: %w", f.name, v, unwrapNumError(err))
		}
	}
	return r, nil
}

// readResources decodes a linux.resources JSON object from the file at path, or from stdin
// when path is "-".
func readResources(path string, stdin io.Reader) (*specs.LinuxResources, error) {
	in := stdin
	if path != "-" {
		f, err := os.Open(path)
		if err != nil {
			return nil, fmt.Errorf("--resources: %w", err)
		}
		defer f.Close()
		in = f
	}
	var r specs.LinuxResources
	if err := json.NewDecoder(in).Decode(&r); err != nil {
		return nil, fmt.Errorf("--resources %s: decode linux.resources JSON: %w", path, err)
	}
	return &r, nil
}

func memory(r *specs.LinuxResources) *specs.LinuxMemory {
	if r.Memory == nil {
		r.Memory = &specs.LinuxMemory{}
	}
	return r.Memory
}

func cpu(r *specs.LinuxResources) *specs.LinuxCPU {
	if r.CPU == nil {
		r.CPU = &specs.LinuxCPU{}
	}
	return r.CPU
}

func blockIO(r *specs.LinuxResources) *specs.LinuxBlockIO {
	if r.BlockIO == nil {
		r.BlockIO = &specs.LinuxBlockIO{}
	}
	return r.BlockIO
}

func ptr[T any](v T) *T { return &v }

// unwrapNumError drops strconv's "strconv.ParseInt: parsing "x": " prefix: the caller already
// names the flag and its value.
func unwrapNumError(err error) error {
	var numErr *strconv.NumError
	if errors.As(err, &numErr) {
		return numErr.Err
	}
	return err
}
