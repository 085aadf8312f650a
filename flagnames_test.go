package main

import (
	"reflect"
	"slices"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestCacheFlagNames: every flag of berth gets its names cached: the names the library works
// out, the same help line, a wrapper type.
func TestCacheFlagNames(t *testing.T) {
	app := newApp() // its commands are package variables: caching changes them for good
	type flagView struct {
		names []string
		help  string
		typ   reflect.Type
	}
	view := func() map[string][]flagView {
		v := map[string][]flagView{}
		add := func(cmd string, flags []cli.Flag) {
			for _, f := range flags {
				v[cmd] = append(v[cmd], flagView{f.Names(), f.String(), reflect.TypeOf(f)})
			}
		}
		add("", app.Flags)
		for _, c := range app.Commands {
			add(c.Name, c.Flags)
		}
		return v
	}
	before := view()
	cacheFlagNames(app)
	after := view()
	for cmd, flags := range before {
		for i, b := range flags {
			a := after[cmd][i]
			if a.typ == b.typ {
				t.Errorf("%s: flag %v (%v) has no cached names", cmd, b.names, b.typ)
			}
			if !slices.Equal(a.names, b.names) || a.help != b.help {
				t.Errorf("%s: flag %v %q became %v %q", cmd, b.names, b.help, a.names, a.help)
			}
		}
	}
}

// TestCachedFlagsParse: with cached names, flags are still found by any of their names, set or
// not, by the library's lookups.
func TestCachedFlagsParse(t *testing.T) {
	tests := []struct {
		args      []string
		force     bool
		forceSet  bool
		root      string
		fdsIsSet  bool
		fds       int
		listeners []string
	}{
		{[]string{"x"}, false, false, "/def", false, 0, nil},
		{[]string{"x", "-f", "--root", "/r"}, true, true, "/r", false, 0, nil},
		{[]string{"x", "--force", "--preserve-fds", "3", "--l", "a", "--l", "b"}, true, true, "/def", true, 3, []string{"a", "b"}},
	}
	for _, tt := range tests {
		t.Run(tt.args[len(tt.args)-1], func(t *testing.T) {
			ran := false
			app := &cli.App{Name: "t", Commands: []*cli.Command{{
				Name: "x",
				Flags: []cli.Flag{
					&cli.BoolFlag{Name: "force", Aliases: []string{"f"}},
					&cli.StringFlag{Name: "root", Value: "/def"},
					&cli.IntFlag{Name: "preserve-fds"},
					&cli.StringSliceFlag{Name: "l"},
				},
				Action: func(c *cli.Context) error {
					ran = true
					if c.Bool("force") != tt.force || c.IsSet("f") != tt.forceSet || c.IsSet("force") != tt.forceSet {
						t.Errorf("force %v, set %v/%v", c.Bool("force"), c.IsSet("f"), c.IsSet("force"))
					}
					if c.String("root") != tt.root || c.Int("preserve-fds") != tt.fds || c.IsSet("preserve-fds") != tt.fdsIsSet {
						t.Errorf("root %q, preserve-fds %d (set %v)", c.String("root"), c.Int("preserve-fds"), c.IsSet("preserve-fds"))
					}
					if !slices.Equal(c.StringSlice("l"), tt.listeners) {
						t.Errorf("l %v, want %v", c.StringSlice("l"), tt.listeners)
					}
					return nil
				},
			}}}
			cacheFlagNames(app)
			if err := app.Run(append([]string{"t"}, tt.args...)); err != nil || !ran {
				t.Fatalf("run %v: %v (action ran: %v)", tt.args, err, ran)
			}
		})
	}
}

// TestFlagNames: the names are the library's, v1-style "name, alias" forms included.
func TestFlagNames(t *testing.T) {
	tests := []struct {
		name    string
		aliases []string
	}{
		{"root", nil},
		{"force", []string{"f"}},
		{"bundle, b", []string{"x y"}},
		{"", nil},
	}
	for _, tt := range tests {
		if got, want := flagNames(tt.name, tt.aliases), cli.FlagNames(tt.name, tt.aliases); !slices.Equal(got, want) {
			t.Errorf("flagNames(%q, %q) = %q, want %q", tt.name, tt.aliases, got, want)
		}
	}
}
