// Command berth is an OCI container runtime with runc's command line.

// berth and berth init live for milliseconds: reading the cgroup CPU limit at start-up to size
// GOMAXPROCS (and re-reading it in the background) costs ~0.4 ms per start and buys nothing.
//
//go:debug containermaxprocs=0
//go:debug updatemaxprocs=0
package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/urfave/cli/v2"

	"github.com/berth-runtime/berth/libcontainer/initproc"
	_ "github.com/berth-runtime/berth/libcontainer/nsenter" // C constructor: joins namespaces before Go starts
	"github.com/berth-runtime/berth/libcontainer/seccomp"
)

// Set by the Makefile.
var (
	version   = "dev"
	gitCommit = ""
)

func init() {
	if isInit() {
		initproc.LockMainThread()
	}
}

func isInit() bool { return len(os.Args) > 1 && os.Args[1] == "init" }

func main() {
	if isInit() {
		initproc.Main()
		return
	}
	app := newApp()
	cacheFlagNames(app)
	warmDecoding(app, os.Args[1:])
	if err := app.Run(os.Args); err != nil {
		fail(err)
	}
}

func newApp() *cli.App {
	cli.VersionPrinter = printVersion
	return &cli.App{
		Name:                 "berth",
		Usage:                "Open Container Initiative runtime",
		Version:              version,
		EnableBashCompletion: true, // --generate-bash-completion, used by contrib/completions
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "root", Value: rootFlagDefault(), Usage: "root directory for storage of container state ($XDG_RUNTIME_DIR/berth for a user)"},
			&cli.StringFlag{Name: "log", Usage: "set the log file to write berth logs to (default is stderr)"},
			&cli.StringFlag{Name: "log-format", Value: "text", Usage: "set the log format ('text' or 'json')"},
			&cli.BoolFlag{Name: "debug", Usage: "enable debug logging"},
			&cli.BoolFlag{Name: "systemd-cgroup", Usage: "enable systemd cgroup support"},
			&cli.StringFlag{Name: "criu", Value: "criu", Usage: "path to the criu binary used for checkpoint and restore"},
			&cli.StringFlag{Name: "rootless", Value: "auto", Usage: "rootless mode, which skips cgroups berth may not write: 'true', 'false' or 'auto' (rootless unless root)"},
		},
		Before:          before,
		CommandNotFound: commandNotFound,
		Commands: append([]*cli.Command{
			createCommand, startCommand, runCommand, execCommand, killCommand, deleteCommand,
			stateCommand, listCommand, specCommand, pauseCommand, resumeCommand, updateCommand, eventsCommand, psCommand,
			featuresCommand, checkpointCommand, restoreCommand, checkCommand, gcCommand,
		}, extraCommands...),
		ExitErrHandler: func(*cli.Context, error) {},
	}
}

// extraCommands are added by builds with tags (docs_gen.go).
var extraCommands []*cli.Command

func printVersion(c *cli.Context) {
	fmt.Printf("berth version %s\n", version)
	if gitCommit != "" {
		fmt.Printf("commit: %s\n", gitCommit)
	}
	fmt.Printf("spec: %s\n", specs.Version)
	fmt.Printf("go: %s\n", runtime.Version())
	fmt.Printf("libseccomp: %s\n", seccomp.Version())
}

func setupLogging(c *cli.Context) error {
	var w io.Writer = os.Stderr
	if path := c.String("log"); path != "" {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("--log: %w", err)
		}
		w = f
	}
	level := slog.LevelWarn
	if c.Bool("debug") {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: logrusLevel}
	switch c.String("log-format") {
	case "text":
		slog.SetDefault(slog.New(slog.NewTextHandler(w, opts)))
	case "json":
		slog.SetDefault(slog.New(slog.NewJSONHandler(w, opts)))
	default:
		return fmt.Errorf("--log-format %q: must be text or json", c.String("log-format"))
	}
	logToFile = c.String("log") != ""
	return nil
}

var logToFile bool

// logrusLevel writes levels as runc's logger (logrus) does, "debug" to "error" in lowercase:
// containerd and other callers of runc read berth's log lines with the same parser.
func logrusLevel(groups []string, a slog.Attr) slog.Attr {
	if a.Key != slog.LevelKey || len(groups) > 0 {
		return a
	}
	switch l := a.Value.Any().(slog.Level); {
	case l < slog.LevelInfo:
		return slog.String(a.Key, "debug")
	case l < slog.LevelWarn:
		return slog.String(a.Key, "info")
	case l < slog.LevelError:
		return slog.String(a.Key, "warning")
	default:
		return slog.String(a.Key, "error")
	}
}

// exitError carries a process exit status through urfave/cli without printing anything.
type exitError struct{ code int }

func (e *exitError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// failure is an error that exits with a status other than 1.
type failure struct {
	err  error
	code int
}

func (f *failure) Error() string { return f.err.Error() }

// execFailedStatus is what runc exits with when exec itself fails.
const execFailedStatus = 255

// fail prints the error as one line, logs it, and exits.
func fail(err error) {
	var ee *exitError
	if errors.As(err, &ee) {
		os.Exit(ee.code)
	}
	code := 1
	var f *failure
	if errors.As(err, &f) {
		code = f.code
	}
	msg := strings.ReplaceAll(err.Error(), "\n", " ")
	fmt.Fprintln(os.Stderr, "berth: "+msg)
	if logToFile {
		slog.Error(msg)
	}
	os.Exit(code)
}

// opError names the operation and the container in front of an error.
func opError(op, id string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s %s: %w", op, id, err)
}

// containerID returns the command's first argument, the container ID.
func containerID(c *cli.Context) (string, error) {
	id := c.Args().First()
	if id == "" {
		return "", fmt.Errorf("%s: container id is required (usage: berth %s %s)", c.Command.Name, c.Command.Name, c.Command.ArgsUsage)
	}
	return id, nil
}

// checkArgs refuses extra arguments, like runc.
func checkArgs(c *cli.Context, n int) error {
	if c.NArg() != n {
		return fmt.Errorf("%s: %d argument(s) expected, got %d (usage: berth %s %s)", c.Command.Name, n, c.NArg(), c.Command.Name, c.Command.ArgsUsage)
	}
	return nil
}
