package initproc

import "os"

// runExec is init for `berth exec`: nsenter has already put it in the container's cgroup and
// namespaces (the mount namespace's root is the container's root), so only the process itself
// is left to set up before it becomes the program.
func (i *initProcess) runExec(consoleSock *os.File) error {
	if err := i.setupConsole(consoleSock); err != nil {
		return err
	}
	prog, err := i.prepareProcess()
	if err != nil {
		return err
	}
	return i.execProgram(prog)
}
