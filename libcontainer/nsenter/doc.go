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
// _BERTH_NSENTER=1 is set. The host sets it (package container's launch, from the namespace plan
// and the cgroup join) when a namespace is joined by path or a new time namespace is asked for
// (Plan.OpenJoins), and when init must join cgroup v1 hierarchies before any Go code runs
// (_BERTH_CGROUP_FDS; on cgroup v2 clone3 places init instead, the host's or, when nsenter forks
// after joining only, as for exec, nsenter's own: _BERTH_CGROUP_DIR_FD). With every namespace new and
// cgroup v2, the host passes the namespaces as clone flags and no C runs. The whole environment
// of init is documented, and named, in package protocol (env.go).
//
// # Environment contract
//
// The variables, what each holds and which are optional are documented once, with their Go
// names, in package protocol (env.go); nsenter.h defines the same names, and a test compares
// them. This package reads _BERTH_NSENTER, _BERTH_SYNC_FD, _BERTH_LOG_FD, _BERTH_LOG_LEVEL,
// _BERTH_CGROUP_FDS, _BERTH_CGROUP_SOCK_FD, _BERTH_CGROUP_DIR_FD, _BERTH_NS_FDS,
// _BERTH_UNSHARE, _BERTH_TIMENS_OFFSETS, _BERTH_FORK and _BERTH_EXEC_PLAN_FD.
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
//     (see join_all in nsenter.c for why); mnt last. Close the fds. With _BERTH_CGROUP_DIR_FD,
//     the cgroup namespace, and the user namespace if nothing needed it first, wait for step 4.
//  3. unshare(_BERTH_UNSHARE); write the time offsets.
//  4. With _BERTH_FORK=1: clone(CLONE_PARENT|SIGCHLD), or clone3 into the cgroup directory of
//     _BERTH_CGROUP_DIR_FD (the kernel checks that move with our credentials and cgroup
//     namespace, hence step 2's wait; the child then joins what was left). The child (the real
//     init, a child of the host berth process, which must reap it) goes on into Go; the parent
//     writes the frame {"type":"pid","pid":N} (N as the host sees it) and exits 0. The host
//     reaps the parent, which was never in the container's cgroup.
//  5. Join the cgroups (_BERTH_CGROUP_FDS), in the process that goes on: after the fork, so
//     that its short-lived parent never counts against the container's pids.max. With
//     _BERTH_CGROUP_SOCK_FD the tasks fds are not known yet: wait for them on that socket
//     (one message, SCM_RIGHTS), which create sends once it has made the cgroup; it starts
//     init meanwhile. EOF there (create gave up) is an error.
//  6. Restore dumpable only if no user or pid namespace was joined.
//  7. With _BERTH_EXEC_PLAN_FD (exec only): run the process from the plan (exec.c) and never
//     return, so no Go runtime starts in the child. The host plans this for every exec that
//     needs nothing but ids, capabilities, rlimits, cwd, env, a seccomp filter without a
//     listener, preserved fds and a terminal, its master sent to _BERTH_CONSOLE_FD
//     (container/execdirect.go); anything else, a scheduler or an LSM label say, goes on into
//     `berth init`.
//
// On any failure it writes {"type":"error","error":"nsenter: setns net (fd 7): operation not
// permitted"} (the step, the namespace, strerror) to the sync fd and exits 1; if there is no
// usable sync fd, the sentence goes to stderr. Frames are those of package protocol: a 4-byte
// little-endian length, then the JSON.
package nsenter
