package main

import (
	"strings"

	"github.com/urfave/cli/v2"
)

// urfave/cli works a flag's names out with a regular expression each time it asks for them, and
// before every command it looks each of the command's flags up by name among all the others:
// a few hundred regular expression runs per `berth exec` (~3% of its CPU). cacheFlagNames
// gives every flag its names once. The wrappers embed the library's flags, so every other
// method (help text, actions, values) is theirs.
func cacheFlagNames(app *cli.App) {
	cli.HelpFlag = withCachedNames(cli.HelpFlag) // the library adds it to every command
	app.Flags = cachedNames(app.Flags)
	for _, c := range app.Commands {
		cacheCommandFlagNames(c)
	}
}

func cacheCommandFlagNames(c *cli.Command) {
	c.Flags = cachedNames(c.Flags)
	for _, sub := range c.Subcommands {
		cacheCommandFlagNames(sub)
	}
}

func cachedNames(flags []cli.Flag) []cli.Flag {
	out := make([]cli.Flag, len(flags))
	for i, f := range flags {
		out[i] = withCachedNames(f)
	}
	return out
}

// withCachedNames wraps the flag types berth uses; any other is kept as it is.
func withCachedNames(f cli.Flag) cli.Flag {
	switch f := f.(type) {
	case *cli.BoolFlag:
		return &boolFlag{f, flagNames(f.Name, f.Aliases)}
	case *cli.StringFlag:
		return &stringFlag{f, flagNames(f.Name, f.Aliases)}
	case *cli.IntFlag:
		return &intFlag{f, flagNames(f.Name, f.Aliases)}
	case *cli.DurationFlag:
		return &durationFlag{f, flagNames(f.Name, f.Aliases)}
	case *cli.StringSliceFlag:
		return &stringSliceFlag{f, flagNames(f.Name, f.Aliases)}
	case *cli.IntSliceFlag:
		return &intSliceFlag{f, flagNames(f.Name, f.Aliases)}
	}
	return f
}

// flagNames is cli.FlagNames without its regular expression: each name is cut at its first
// comma or space (the library's warning against v1-style "name, n" names).
func flagNames(name string, aliases []string) []string {
	names := make([]string, 0, 1+len(aliases))
	for _, n := range append([]string{name}, aliases...) {
		if i := strings.IndexAny(n, ", "); i >= 0 {
			n = n[:i]
		}
		names = append(names, n)
	}
	return names
}

type boolFlag struct {
	*cli.BoolFlag
	names []string
}

type stringFlag struct {
	*cli.StringFlag
	names []string
}

type intFlag struct {
	*cli.IntFlag
	names []string
}

type durationFlag struct {
	*cli.DurationFlag
	names []string
}

type stringSliceFlag struct {
	*cli.StringSliceFlag
	names []string
}

type intSliceFlag struct {
	*cli.IntSliceFlag
	names []string
}

func (f *boolFlag) Names() []string        { return f.names }
func (f *stringFlag) Names() []string      { return f.names }
func (f *intFlag) Names() []string         { return f.names }
func (f *durationFlag) Names() []string    { return f.names }
func (f *stringSliceFlag) Names() []string { return f.names }
func (f *intSliceFlag) Names() []string    { return f.names }
