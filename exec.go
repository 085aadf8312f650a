package main

import (
	"errors"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"github.com/urfave/cli/v2"

	"github.com/berth-runtime/berth/libcontainer/cgroups"
	"github.com/berth-runtime/berth/libcontainer/container"
	"github.com/berth-runtime/berth/spec"
)

var execCommand = &cli.Command{
	Name:      "exec",
	Usage:     "execute new process inside the container",
	ArgsUsage: "<container-id> <command> [command options]",
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "console-socket", Usage: "path to an AF_UNIX socket which will receive the pty master"},
		&cli.StringFlag{Name: "pidfd-socket", Usage: "path to an AF_UNIX socket which will receive a pidfd of the process"},
		&cli.StringFlag{Name: "cwd", Usage: "current working directory in the container"},
		&cli.StringSliceFlag{Name: "env", Aliases: []string{"e"}, Usage: "set environment variables"},
		&cli.BoolFlag{Name: "tty", Aliases: []string{"t"}, Usage: "allocate a pseudo-TTY"},
		&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Usage: "UID (format: <uid>[:<gid>])"},
		&cli.IntSliceFlag{Name: "additional-gids", Aliases: []string{"g"}, Usage: "additional gids"},
		&cli.StringFlag{Name: "process", Aliases: []string{"p"}, Usage: "path to the process.json"},
		&cli.BoolFlag{Name: "detach", Aliases: []string{"d"}, Usage: "detach from the container's process"},
		&cli.StringFlag{Name: "pid-file", Usage: "specify the file to write the process id to"},
		&cli.StringFlag{Name: "process-label", Usage: "set the asm process label for the process commonly used with selinux"},
		&cli.StringFlag{Name: "apparmor", Usage: "set the apparmor profile for the process"},
		&cli.BoolFlag{Name: "no-new-privs", Usage: "set the no new privileges value for the process"},
		&cli.StringSliceFlag{Name: "cap", Aliases: []string{"c"}, Usage: "add a capability to the bounding set for the process"},
		&cli.IntFlag{Name: "preserve-fds", Usage: "pass N additional file descriptors to the container (stdio + $LISTEN_FDS + N in total)"},
		&cli.BoolFlag{Name: "ignore-paused", Usage: "allow exec in a paused container"},
		&cli.StringSliceFlag{Name: "cgroup", Usage: "run the process in a sub-cgroup of the container's: PATH, or CONTROLLER[,CONTROLLER]:PATH"},
	},
	Action: func(ctx *cli.Context) error {
		err := runExec(ctx)
		var exit *exitError
		if err != nil && !errors.As(err, &exit) {
			// runc's status when exec itself fails, which callers tell apart from the
			// program's own.
			return &failure{err: err, code: execFailedStatus}
		}
		return err
	},
}

// runExec is exec's action; its errors exit 255.
func runExec(ctx *cli.Context) error {
	id, err := containerID(ctx)
	if err != nil {
		return err
	}
	c, err := container.PeekExec(ctx.String("root"), id)
	if err != nil {
		return opError("exec", id, err)
	}
	p, err := execProcess(ctx, c)
	if err != nil {
		return opError("exec", id, err)
	}
	sub, err := cgroups.ParseSubCgroups(ctx.StringSlice("cgroup"))
	if err != nil {
		return opError("exec", id, err)
	}
	code, err := c.Exec(&container.ExecOptions{
		SubCgroup:     sub,
		Process:       p,
		ConsoleSocket: ctx.String("console-socket"),
		PidFile:       ctx.String("pid-file"),
		PidfdSocket:   ctx.String("pidfd-socket"),
		PreserveFds:   ctx.Int("preserve-fds"),
		Detach:        ctx.Bool("detach"),
		IgnorePaused:  ctx.Bool("ignore-paused"),
	})
	if err != nil {
		return opError("exec", id, err)
	}
	if code != 0 {
		return &exitError{code}
	}
	return nil
}

// execProcess reads --process, or builds the process from the container's and the flags.
func execProcess(ctx *cli.Context, c *container.Container) (*specs.Process, error) {
	if path := ctx.String("process"); path != "" {
		return spec.LoadProcess(path)
	}
	return container.ExecProcess(c.Config().Process, &container.ExecFlags{
		Args:           ctx.Args().Tail(),
		Cwd:            ctx.String("cwd"),
		Env:            ctx.StringSlice("env"),
		User:           ctx.String("user"),
		AdditionalGids: ctx.IntSlice("additional-gids"),
		Caps:           ctx.StringSlice("cap"),
		Tty:            ctx.Bool("tty"),
		NoNewPrivs:     ctx.Bool("no-new-privs"),
		AppArmor:       ctx.String("apparmor"),
		ProcessLabel:   ctx.String("process-label"),
	})
}
