// Package nsenter is the small C part of berth that joins namespaces before the Go runtime
// starts. Import it for its side effect (import _ ".../libcontainer/nsenter") in the berth
// binary; it has no Go API.
//
// # Why C
//
// The Go runtime starts several threads before main. The kernel refuses setns into a mount or
// user namespace, and unshare(CLONE_NEWUSER), in a multi-threaded process, and setns into a
// pid or time namespace, or unshare of either, reaches only children. So joining existing
// namespaces (linux.namespaces[].path) and making a new time namespace (CLONE_NEWTIME cannot
// be passed to clone, and its clock offsets must be set before any process enters it) must
// happen in a C constructor (__attribute__((constructor))), which runs before the Go runtime,
// while the process is still single-threaded.
//
// # When it runs
//
// The constructor is in every berth process but does nothing (one getenv) unless
// _BERTH_NSENTER=1 is set. The host sets it, through package namespaces (Plan.OpenJoins), only
// on the slow path: when a namespace is joined by path or a new time namespace is asked for.
// When every namespace is new, the host passes them all as clone flags and no C runs.
//
// # Environment contract
//
//	_BERTH_NSENTER=1          turn the constructor on (any other value: off)
//	_BERTH_SYNC_FD=N          the sync socket; failures are reported on it (required; kept for init)
//	_BERTH_NS_FDS=t:N,...     namespaces to join, t one of user mnt pid net ipc uts cgroup time,
//	                          each type at most once, N >= 3 an open namespace fd (optional)
//	_BERTH_UNSHARE=hex        clone flags to unshare after the joins, without 0x; namespace flags
//	                          only, not CLONE_NEWUSER (the host makes that one with clone) (optional)
//	_BERTH_TIMENS_OFFSETS=s   written to /proc/self/timens_offsets after the unshare, e.g.
//	                          "monotonic 10 0\n"; needs CLONE_NEWTIME in _BERTH_UNSHARE (optional)
//	_BERTH_FORK=1             fork once at the end; required when a pid namespace is joined or new,
//	                          also asked for when the host waits for the namespaces (netDevices)
//	_BERTH_LOG_FD=N           the log stream (protocol/log.go): a record per phase at debug level
//	                          (cgroup joined, namespaces entered, fork), an error record when the
//	                          sync fd cannot take the error frame (optional; kept for init)
//	_BERTH_LOG_LEVEL=l        debug, info, warn or error: the lowest level written (default warn)
//
// Parsing is strict and length-checked: unknown types, repeated types or fds, signs, spaces,
// prefixes, numbers that overflow and over-long values are all rejected. Every variable but
// _BERTH_SYNC_FD and the two _BERTH_LOG_ ones is removed from the environment before Go starts
// (the strings stay in the initial stack, so /proc/PID/environ of init still shows them until
// it execs).
//
// # What it does, in order
//
//  1. Parse everything above; set itself non-dumpable.
//  2. setns every fd: all but user first, then user, then retry those that failed with EPERM
//     (see join_all in nsenter.c for why); mnt last. Close the fds.
//  3. unshare(_BERTH_UNSHARE); write the time offsets.
//  4. With _BERTH_FORK=1: clone(CLONE_PARENT|SIGCHLD). The child (the real init, a child of the
//     host berth process, which must reap it) goes on into Go; the parent writes the frame
//     {"type":"pid","pid":N} (N as the host sees it) and exits 0. The host reaps the parent.
//  5. Restore dumpable only if no user or pid namespace was joined.
//
// On any failure it writes {"type":"error","error":"nsenter: setns net (fd 7): operation not
// permitted"} (the step, the namespace, strerror) to the sync fd and exits 1; if there is no
// usable sync fd, the sentence goes to stderr. Frames are those of package protocol: a 4-byte
// little-endian length, then the JSON.
package nsenter
