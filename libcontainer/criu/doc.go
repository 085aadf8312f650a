// Package criu drives CRIU (checkpoint/restore in userspace) for berth checkpoint and restore,
// through criu's RPC mode (`criu swrk`, github.com/checkpoint-restore/go-criu). It knows what
// criu needs told about a container: which mounts and open files come from outside it (bind
// mounts, the stdio berth's caller gave init), how cgroups are handled, and where the logs are.
// The container-level flow (locking, state, cgroups, what a failure leaves) is in
// libcontainer/container/checkpoint.go; this package holds no container state.
//
// Restore runs criu in a mount namespace of its own (mountns.go), where the rootfs is bound for
// it: criu's temporary mounts never propagate to a host whose mounts are shared.
//
// Images: criu's own files, plus stdio.json, berth's record of init's fds 0-2 at dump time, so
// that restore can hand the restored process its caller's stdio in place of the pipes and files
// it had.
//
// A failure names the operation and criu's own reason: the error lines at the end of the log
// criu wrote in the work directory (dump.log or restore.log), e.g.
//
//	criu dump failed: Error (criu/vdso.c:381): vdso: Unexpected rt vDSO area bounds (log: /w/dump.log)
package criu
