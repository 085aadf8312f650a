package main

import (
	"encoding/json"
	"strings"

	libcgroups "github.com/opencontainers/cgroups"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/urfave/cli/v2"

	"github.com/berth-runtime/berth/libcontainer/state"
	"github.com/berth-runtime/berth/spec"
)

// warmDecoding starts building the JSON tables of what the command about to run decodes first,
// in a goroutine, on the second CPU while the first parses the command line and locks and reads
// the container's files. encoding/json builds a type's tables on its first use in a process,
// ~0.5 ms for the types of a config; berth is a new process for every command.
// The tables are shared and safe for concurrent use: the command's own decoding finds what is
// built and builds what is not.
func warmDecoding(app *cli.App, args []string) {
	var vs []any
	switch commandOf(app, args) {
	case "exec":
		// The process of the config (the bulk of what exec reads of it, state.Dir.LoadExec),
		// then the cgroup library's config (decoded when the cgroup manager is first needed,
		// see cgroups.Saved).
		vs = []any{new(specs.Process), new(libcgroups.Cgroup)}
	case "update", "checkpoint":
		vs = []any{new(state.State), new(libcgroups.Cgroup)}
	case "create", "run", "restore":
		// The config, then the state file's other parts, the cgroup library's config the
		// first state save encodes among them.
		vs = []any{new(spec.Document), new(state.State), new(libcgroups.Cgroup)}
	default:
		return
	}
	go func() {
		for _, v := range vs {
			_ = json.Unmarshal([]byte("{}"), v)
		}
	}()
}

// commandOf finds the command in berth's arguments (args without the program's name): the
// first word that is neither one of app's flags nor its value.
func commandOf(app *cli.App, args []string) string {
	takesValue := map[string]bool{}
	for _, f := range app.Flags {
		if df, ok := f.(cli.DocGenerationFlag); ok && df.TakesValue() {
			for _, n := range f.Names() {
				takesValue[n] = true
			}
		}
	}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if !strings.HasPrefix(a, "-") || a == "-" {
			return a
		}
		if a == "--" {
			break
		}
		name := strings.TrimLeft(a, "-")
		if !strings.Contains(name, "=") && takesValue[name] {
			i++
		}
	}
	return ""
}
