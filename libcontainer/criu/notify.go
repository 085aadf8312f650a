package criu

import gocriu "github.com/checkpoint-restore/go-criu/v7"

// restoreNotify keeps the PID criu reports once the tree is restored (the "post-restore"
// notification): the container's new init.
type restoreNotify struct {
	gocriu.NoNotify
	pid int
}

func (n *restoreNotify) PostRestore(pid int32) error {
	n.pid = int(pid)
	return nil
}
