/*
 * nsenter.c: joins the container's namespaces before the Go runtime starts: the joins, the
 * unshare, the time offsets and the fork. See doc.go for when this runs, why it is C, and the
 * environment contract; parse.c reads that contract, report.c talks to the host.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <grp.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "nsenter.h"

static void die_setns(const struct config *c, int k, const char *when)
{
	ns_die("nsenter: setns %s (fd %d)%s: %s", ns_kinds[k].name, c->ns_fd[k], when,
	    ns_errstr(errno));
}

/*
 * become_ns_root switches to uid and gid 0 of the user namespace just joined. Our ids are still
 * the host's, which that namespace usually does not map: unmapped, we would hold no capability
 * there and could create no file (EOVERFLOW). setgroups may be denied there; no groups is then
 * what we have anyway.
 */
static void become_ns_root(void)
{
	(void)setgroups(0, NULL);
	if (setresgid(0, 0, 0) < 0)
		ns_die("nsenter: setresgid 0 in the joined user namespace: %s", ns_errstr(errno));
	if (setresuid(0, 0, 0) < 0)
		ns_die("nsenter: setresuid 0 in the joined user namespace: %s", ns_errstr(errno));
}

/* join_ns joins namespace k; a user namespace makes us its root at once. */
static void join_ns(struct config *c, int k, const char *when)
{
	if (setns(c->ns_fd[k], ns_kinds[k].flag) < 0)
		die_setns(c, k, when);
	if (k == NS_USER)
		become_ns_root();
	c->joined |= 1u << k;
}

/*
 * join_all joins every namespace given by fd, except those in leave (a bit per kind) that it
 * may leave for later. setns needs CAP_SYS_ADMIN both in the user namespace that owns the
 * target and in our current one, so the order matters when a user namespace is joined too:
 *   - namespaces owned by the host's user namespace can only be joined before we enter the
 *     container's user namespace (afterwards we hold no capability over the host's);
 *   - namespaces owned by the joined user namespace can be joined before it when we are
 *     privileged on the host (capabilities reach into descendant user namespaces), and only
 *     after it when we are not (then EPERM first; entering the user namespace as its owner
 *     grants the capabilities).
 * So: everything but user first, keeping aside what fails with EPERM, then user, then retry
 * what was kept aside. Without a user namespace to join, EPERM is final. The user namespace is
 * left for later only if nothing needed it. Called again with leave 0, it joins the rest.
 */
static void join_all(struct config *c, unsigned leave)
{
	int joining_user = c->ns_fd[NS_USER] >= 0 && !(c->joined & (1u << NS_USER));
	unsigned deferred = 0;
	int k;

	for (k = 0; k < NS_COUNT; k++) {
		if (k == NS_USER || c->ns_fd[k] < 0 || (c->joined | leave) & (1u << k))
			continue;
		if (setns(c->ns_fd[k], ns_kinds[k].flag) == 0) {
			c->joined |= 1u << k;
			continue;
		}
		if (errno != EPERM || !joining_user)
			die_setns(c, k, "");
		deferred |= 1u << k;
	}
	if (!joining_user || (deferred == 0 && (leave & (1u << NS_USER))))
		return;
	join_ns(c, NS_USER, "");
	for (k = 0; k < NS_COUNT; k++)
		if (deferred & (1u << k))
			join_ns(c, k, " after joining user");
}

/*
 * join_cgroups moves this process, still its only thread, into the container's cgroups by
 * writing "0" into each hierarchy's tasks file. It comes after the fork, in the process that
 * goes on, and before anything else runs: everything init or an exec'd program forks from now
 * on is accounted and limited, while the short-lived parent of the fork never is. The kernel
 * checks pids.max when a task is forked, not when one moves in, so an exec into a container at
 * its pids limit less one still works.
 */
static void join_cgroups(const struct config *c)
{
	long long start = ns_log_on(NS_LOG_DEBUG) ? ns_now() : 0;
	int i;

	for (i = 0; i < c->cgroup_fds; i++) {
		if (write(c->cgroup_fd[i], "0", 1) != 1)
			ns_die("nsenter: join cgroup (fd %d): %s", c->cgroup_fd[i], ns_errstr(errno));
		close(c->cgroup_fd[i]);
	}
	if (c->cgroup_fds > 0)
		ns_log(NS_LOG_DEBUG, "cgroup", start, "cgroup joined (%d hierarchies)", c->cgroup_fds);
}

/*
 * receive_cgroup_fds waits for the tasks files on the socket of _BERTH_CGROUP_SOCK_FD: create
 * makes the cgroup while this process starts, and sends them (one message, a byte and up to
 * CGROUP_FDS_MAX fds, perhaps none) once the cgroup is there. A host that gave up closes the
 * socket instead.
 */
static void receive_cgroup_fds(struct config *c)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * CGROUP_FDS_MAX)];
		struct cmsghdr align;
	} u;
	char byte;
	struct iovec iov = {.iov_base = &byte, .iov_len = 1};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf)};
	long long start = ns_log_on(NS_LOG_DEBUG) ? ns_now() : 0;
	struct cmsghdr *cm;
	ssize_t n;

	do
		n = recvmsg(c->cgroup_sock_fd, &msg, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		ns_die("nsenter: receive the cgroup files: %s", ns_errstr(errno));
	if (n == 0)
		ns_die("nsenter: the host closed the cgroup socket: no cgroup to join");
	if (msg.msg_flags & MSG_CTRUNC)
		ns_die("nsenter: receive the cgroup files: more than %d", CGROUP_FDS_MAX);
	for (cm = CMSG_FIRSTHDR(&msg); cm != NULL; cm = CMSG_NXTHDR(&msg, cm)) {
		size_t k, count;

		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		count = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (k = 0; k < count && c->cgroup_fds < CGROUP_FDS_MAX; k++)
			memcpy(&c->cgroup_fd[c->cgroup_fds++], CMSG_DATA(cm) + k * sizeof(int),
			    sizeof(int));
	}
	close(c->cgroup_sock_fd);
	c->cgroup_sock_fd = -1;
	ns_log(NS_LOG_DEBUG, "cgroup-wait", start, "cgroup files received (%d)", c->cgroup_fds);
}

/* close_joined closes the fds of the namespaces joined so far. */
static void close_joined(struct config *c)
{
	int k;

	for (k = 0; k < NS_COUNT; k++)
		if ((c->joined & (1u << k)) && c->ns_fd[k] >= 0) {
			close(c->ns_fd[k]);
			c->ns_fd[k] = -1;
		}
}

/*
 * write_offsets sets the clocks of the new time namespace. It must happen after unshare and
 * before any process enters the namespace (our fork, or init's execve). The file was opened
 * before the joins: the kernel looks up the namespace at write time, and a joined mount
 * namespace may have no /proc/self that leads to us.
 */
static void write_offsets(int fd, const char *offsets)
{
	size_t len = strlen(offsets);
	ssize_t n;

	do
		n = write(fd, offsets, len);
	while (n < 0 && errno == EINTR);
	if (n < 0)
		ns_die("nsenter: write /proc/self/timens_offsets: %s", ns_errstr(errno));
	if ((size_t)n != len)
		ns_die("nsenter: write /proc/self/timens_offsets: short write");
	close(fd);
}

/*
 * raw_clone forks with CLONE_PARENT, which fork() cannot ask for. With no new stack the child
 * goes on from here on a copy of ours, like fork. Unlike fork() it skips glibc's atfork
 * handlers and leaves the thread id cached in the child's TCB stale; nothing on the way into
 * the Go runtime depends on either (glibc >= 2.25 caches no pid, raise() asks the kernel).
 */
static pid_t raw_clone(unsigned long flags)
{
#if defined(__s390__) || defined(__CRIS__)
	return (pid_t)syscall(SYS_clone, 0, flags, 0, 0, 0);
#else
	return (pid_t)syscall(SYS_clone, flags, 0, 0, 0, 0);
#endif
}

/* clone3's arguments (linux/sched.h, which clashes with glibc's sched.h), up to cgroup. */
struct ns_clone_args {
	unsigned long long flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls,
	    set_tid, set_tid_size, cgroup;
};
#define NS_CLONE_INTO_CGROUP 0x200000000ULL
#ifndef SYS_clone3
#define SYS_clone3 435
#endif

/*
 * fork_child forks with CLONE_PARENT; with a cgroup directory, by clone3 straight into that
 * cgroup, so that only the child is ever counted there (pids.max is checked at fork: an exec
 * into a container at its limit less one works) and nobody writes cgroup.procs, which waits
 * for an RCU grace period (~10 ms here). The kernel checks the move with our credentials and
 * cgroup namespace, which is why join_all leaves the container's user and cgroup namespaces
 * to the child. CLONE_PARENT takes the exit signal from us, so clone3 wants 0 there.
 */
static pid_t fork_child(const struct config *c)
{
	struct ns_clone_args args = {.flags = CLONE_PARENT | NS_CLONE_INTO_CGROUP};

	if (c->cgroup_dir_fd < 0)
		return raw_clone(CLONE_PARENT | SIGCHLD);
	args.cgroup = (unsigned long long)c->cgroup_dir_fd;
	return (pid_t)syscall(SYS_clone3, &args, sizeof(args));
}

/*
 * fork_and_report forks the real init as a child of the host (CLONE_PARENT), reports its PID,
 * and exits. The child waits for a byte on a pipe before going on, so the pid frame is on the
 * sync socket before anything init writes; if the parent fails, the child sees EOF and exits.
 * Returns only in the child.
 */
static void fork_and_report(const struct config *c)
{
	char json[64], ok;
	int pipefd[2];
	ssize_t n;
	pid_t pid;
	int len;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		ns_die("nsenter: pipe: %s", ns_errstr(errno));
	pid = fork_child(c);
	if (pid < 0)
		ns_die("nsenter: clone%s: %s", c->cgroup_dir_fd >= 0 ? " into the cgroup" : "",
		    ns_errstr(errno));
	if (pid == 0) {
		long long start = ns_log_on(NS_LOG_DEBUG) ? ns_now() : 0;

		close(pipefd[1]);
		do
			n = read(pipefd[0], &ok, 1);
		while (n < 0 && errno == EINTR);
		if (n != 1)
			_exit(1);
		close(pipefd[0]);
		ns_log(NS_LOG_DEBUG, "fork", start, "init forked into the pid namespace");
		return;
	}
	close(pipefd[0]);
	len = snprintf(json, sizeof(json), "{\"type\":\"pid\",\"pid\":%d}", (int)pid);
	if (ns_send_frame(json, (size_t)len) < 0) {
		int err = errno;

		kill(pid, SIGKILL);
		ns_die("nsenter: send pid: %s", ns_errstr(err));
	}
	if (write(pipefd[1], "1", 1) != 1) {
		int err = errno;

		kill(pid, SIGKILL);
		ns_die("nsenter: release child: %s", ns_errstr(err));
	}
	_exit(0);
}

/*
 * log_namespaces records, at debug level, which namespaces were joined since the mask before
 * and the unshare.
 */
static void log_namespaces(const struct config *c, unsigned before, long long start)
{
	char joined[NS_COUNT * 8] = "";
	int k;

	if (!ns_log_on(NS_LOG_DEBUG))
		return;
	for (k = 0; k < NS_COUNT; k++) {
		if (!(c->joined & ~before & (1u << k)))
			continue;
		if (joined[0] != '\0')
			strcat(joined, ",");
		strcat(joined, ns_kinds[k].name);
	}
	if (joined[0] == '\0' && (before != 0 || c->unshare_flags == 0))
		return;
	ns_log(NS_LOG_DEBUG, "namespaces", start, "namespaces entered: joined %s, unshared %lx",
	    joined[0] != '\0' ? joined : "none", c->unshare_flags);
}

/*
 * join_rest runs in the child forked into the cgroup: it joins what join_all left for after
 * the fork (the user and cgroup namespaces).
 */
static void join_rest(struct config *c)
{
	unsigned before = c->joined;
	long long start = ns_log_on(NS_LOG_DEBUG) ? ns_now() : 0;

	close(c->cgroup_dir_fd);
	join_all(c, 0);
	close_joined(c);
	if (c->joined != before)
		log_namespaces(c, before, start);
}

/*
 * nsenter_main is the whole C part: parse, scrub the environment, join, unshare, set clocks,
 * fork, join the cgroups, and for a planned exec run the process (exec.c). It stays non-dumpable (no ptrace, /proc/PID owned by root) while it sits in namespaces
 * that other processes already share, so they cannot reach into it or through /proc/PID/exe to
 * the host binary. Only if it joined neither a user nor a pid namespace is that exposure absent
 * and dumpable restored; otherwise init keeps it until execve resets it for the user's program.
 */
static void nsenter_main(void)
{
	struct config c = {.ns_fd = {-1, -1, -1, -1, -1, -1, -1, -1}, .cgroup_dir_fd = -1,
			   .cgroup_sock_fd = -1, .exec_plan_fd = -1, .console_fd = -1};
	int offsets_fd = -1;
	long long start;

	ns_parse_config(&c);
	ns_scrub_env();

	/*
	 * Open the offsets file while still dumpable: a non-dumpable process's /proc/self files
	 * belong to the host's root, which a process in a new user namespace cannot open.
	 */
	if (c.offsets != NULL) {
		offsets_fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
		if (offsets_fd < 0)
			ns_die("nsenter: open /proc/self/timens_offsets: %s", ns_errstr(errno));
	}
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		ns_die("nsenter: prctl PR_SET_DUMPABLE 0: %s", ns_errstr(errno));
	start = ns_log_on(NS_LOG_DEBUG) ? ns_now() : 0;
	join_all(&c, c.cgroup_dir_fd >= 0 ? 1u << NS_USER | 1u << NS_CGROUP : 0);
	close_joined(&c);
	if (c.unshare_flags != 0 && unshare((int)c.unshare_flags) < 0)
		ns_die("nsenter: unshare %lx: %s", c.unshare_flags, ns_errstr(errno));
	if (offsets_fd >= 0)
		write_offsets(offsets_fd, c.offsets);
	log_namespaces(&c, 0, start);
	if (c.fork)
		fork_and_report(&c);
	if (c.cgroup_dir_fd >= 0)
		join_rest(&c);
	if (c.cgroup_sock_fd >= 0)
		receive_cgroup_fds(&c);
	join_cgroups(&c);
	if (!(c.joined & (1u << NS_USER | 1u << NS_PID)) && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		ns_die("nsenter: prctl PR_SET_DUMPABLE 1: %s", ns_errstr(errno));
	if (c.exec_plan_fd >= 0)
		ns_exec(c.exec_plan_fd, c.console_fd);
}

/* berth_nsenter runs before main in every berth process; one getenv when there is no work. */
__attribute__((constructor)) static void berth_nsenter(void)
{
	const char *on = getenv(ENV_ENABLE);

	if (on != NULL && strcmp(on, "1") == 0)
		nsenter_main();
}
