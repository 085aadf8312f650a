package criu

import (
	"fmt"
	"strings"

	"github.com/checkpoint-restore/go-criu/v7/rpc"
	"golang.org/x/sys/unix"
)

// Options are the flags checkpoint and restore share with runc, as criu understands them.
type Options struct {
	ImagePath string // images are written (dump) or read (restore) here
	WorkPath  string // criu's logs and work files; ImagePath when empty
	// ParentPath: the images of a previous pre-dump, relative to ImagePath or absolute.
	ParentPath     string
	LeaveRunning   bool
	PreDump        bool
	TCPEstablished bool
	ExtUnixSk      bool
	ShellJob       bool
	FileLocks      bool
	LazyPages      bool
	AutoDedup      bool
	StatusFd       int    // -1: none
	PageServer     string // ADDRESS:PORT, "" for none
	// CgroupsMode is --manage-cgroups-mode: "" (criu's default, soft), soft, full, strict or
	// ignore.
	CgroupsMode string
	EmptyNs     []string // namespace names, as in config.json ("network", ...)
	// LsmProfile (TYPE:NAME) and LsmMountCtx: restore only, handed to criu as they are.
	LsmProfile  string
	LsmMountCtx string
}

// cgroupModes maps --manage-cgroups-mode values to criu's.
var cgroupModes = map[string]rpc.CriuCgMode{
	"soft":   rpc.CriuCgMode_SOFT,
	"full":   rpc.CriuCgMode_FULL,
	"strict": rpc.CriuCgMode_STRICT,
	"ignore": rpc.CriuCgMode_IGNORE,
}

// CgroupsMode returns criu's cgroup mode for --manage-cgroups-mode; nil for "" (criu's default).
func CgroupsMode(s string) (*rpc.CriuCgMode, error) {
	if s == "" {
		return nil, nil
	}
	m, ok := cgroupModes[s]
	if !ok {
		return nil, fmt.Errorf("--manage-cgroups-mode %q: must be soft, full, strict or ignore", s)
	}
	return &m, nil
}

// namespaceFlags are the namespaces --empty-ns accepts, named as config.json names them.
var namespaceFlags = map[string]uint32{
	"network": unix.CLONE_NEWNET,
	"ipc":     unix.CLONE_NEWIPC,
	"uts":     unix.CLONE_NEWUTS,
	"mount":   unix.CLONE_NEWNS,
	"pid":     unix.CLONE_NEWPID,
	"user":    unix.CLONE_NEWUSER,
	"cgroup":  unix.CLONE_NEWCGROUP,
}

// EmptyNsMask returns the clone flags of the --empty-ns namespaces.
func EmptyNsMask(names []string) (uint32, error) {
	var mask uint32
	for _, n := range names {
		f, ok := namespaceFlags[n]
		if !ok {
			return 0, fmt.Errorf("--empty-ns %q: unknown namespace (one of network, ipc, uts, mount, pid, user, cgroup)", n)
		}
		mask |= f
	}
	return mask, nil
}

// pageServer parses --page-server ADDRESS:PORT.
func pageServer(s string) (*rpc.CriuPageServerInfo, error) {
	i := strings.LastIndex(s, ":")
	var port int32
	if i <= 0 {
		return nil, fmt.Errorf("--page-server %q: want ADDRESS:PORT", s)
	}
	if _, err := fmt.Sscanf(s[i+1:], "%d", &port); err != nil || port <= 0 || port > 65535 {
		return nil, fmt.Errorf("--page-server %q: bad port", s)
	}
	addr := s[:i]
	return &rpc.CriuPageServerInfo{Address: &addr, Port: &port}, nil
}
