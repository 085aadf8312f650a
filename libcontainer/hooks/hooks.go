// Package hooks runs the OCI lifecycle hooks of config.json ("hooks.prestart", "hooks.createRuntime",
// ...): each hook gets the container state as JSON on stdin, its own argv and environment, and is
// killed together with its process group when its timeout passes.
//
// The runtime spec (runtime.md, "Lifecycle") says a failing prestart, createRuntime,
// createContainer, startContainer or poststart hook is an error that stops the container, while a
// failing poststop hook is only a warning: callers use Run for the former and RunAll for the latter.
package hooks

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	specs "github.com/opencontainers/runtime-spec/specs-go"
)

// The hook kinds, spelled as their JSON names under "hooks" in config.json.
const (
	Prestart        = "prestart"
	CreateRuntime   = "createRuntime"
	CreateContainer = "createContainer"
	StartContainer  = "startContainer"
	Poststart       = "poststart"
	Poststop        = "poststop"
)

// Kinds are the hook kinds berth runs, in the order of the container's life, for `berth
// features`.
var Kinds = []string{Prestart, CreateRuntime, CreateContainer, StartContainer, Poststart, Poststop}

// pipeGrace bounds how long Run waits for a hook's stdout/stderr to reach EOF after the hook
// itself has exited: a hook that leaves a daemon behind holding the pipes must not hang berth.
const pipeGrace = 200 * time.Millisecond

// berthEnvPrefix marks berth's private variables (fd numbers of init); a hook that inherits the
// environment must not see them.
const berthEnvPrefix = "_BERTH_"

// Run runs the hooks hs of one kind in order and returns the first failure, which stops the
// run. The error names the hook as its JSON path, e.g.
// `hooks.createRuntime[1] "/usr/bin/x": exit status 2: <tail of its stderr>`.
func Run(kind string, hs []specs.Hook, st *specs.State) error {
	stateJSON, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("hooks.%s: encode state: %w", kind, err)
	}
	for i := range hs {
		if err := runOne(&hs[i], stateJSON); err != nil {
			return fmt.Errorf("hooks.%s[%d] %q: %w", kind, i, hs[i].Path, err)
		}
	}
	return nil
}

// RunAll runs every hook of hs even after failures, passing each failure to warn: the spec makes
// poststop failures warnings that must not stop the remaining hooks.
func RunAll(kind string, hs []specs.Hook, st *specs.State, warn func(error)) {
	stateJSON, err := json.Marshal(st)
	if err != nil {
		warn(fmt.Errorf("hooks.%s: encode state: %w", kind, err))
		return
	}
	for i := range hs {
		if err := runOne(&hs[i], stateJSON); err != nil {
			warn(fmt.Errorf("hooks.%s[%d] %q: %w", kind, i, hs[i].Path, err))
		}
	}
}

// runOne runs a single hook to completion or to its timeout.
func runOne(h *specs.Hook, stateJSON []byte) error {
	if !filepath.IsAbs(h.Path) {
		return errors.New("path must be absolute")
	}
	ctx, cancel := hookContext(h.Timeout)
	defer cancel()

	var stdout, stderr tailBuffer
	cmd := newCommand(ctx, h, stateJSON, &stdout, &stderr)
	err := cmd.Run()
	if errors.Is(err, exec.ErrWaitDelay) {
		// The hook exited successfully but something it started still holds its output
		// pipes: the hook itself succeeded.
		err = nil
	}
	if err == nil {
		return nil
	}
	if ctx.Err() == context.DeadlineExceeded {
		err = fmt.Errorf("timed out after %ds", *h.Timeout)
	}
	if out := lastLines(stderr.Bytes(), stdout.Bytes()); out != "" {
		return fmt.Errorf("%w: %s", err, out)
	}
	return err
}

// hookContext returns a context that ends after the hook's timeout, if it has one.
func hookContext(timeout *int) (context.Context, context.CancelFunc) {
	if timeout != nil && *timeout > 0 {
		return context.WithTimeout(context.Background(), time.Duration(*timeout)*time.Second)
	}
	return context.WithCancel(context.Background())
}

// newCommand builds the hook's process: its own process group, so that a timeout kills
// whatever it spawned too.
func newCommand(ctx context.Context, h *specs.Hook, stateJSON []byte, stdout, stderr *tailBuffer) *exec.Cmd {
	cmd := exec.CommandContext(ctx, h.Path)
	cmd.Args = hookArgs(h)
	cmd.Env = hookEnv(h)
	cmd.Stdin = bytes.NewReader(stateJSON)
	cmd.Stdout = stdout
	cmd.Stderr = stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		// Negative pid: the whole process group the hook leads.
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	cmd.WaitDelay = pipeGrace
	return cmd
}

// hookArgs is the hook's argv: "args" as given (args[0] is argv[0]), or just the path.
func hookArgs(h *specs.Hook) []string {
	if len(h.Args) == 0 {
		return []string{h.Path}
	}
	return h.Args
}

// hookEnv is the hook's whole environment: "env" as given; without "env" the hook inherits
// berth's environment (as runc does) minus berth's private variables.
func hookEnv(h *specs.Hook) []string {
	if h.Env != nil {
		return h.Env
	}
	env := []string{}
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, berthEnvPrefix) {
			env = append(env, kv)
		}
	}
	return env
}
