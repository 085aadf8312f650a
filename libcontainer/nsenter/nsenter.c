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

/*
 * join_all joins every namespace given by fd. setns needs CAP_SYS_ADMIN both in the user
 * namespace that owns the target and in our current one, so the order matters when a user
 * namespace is joined too:
 *   - namespaces owned by the host's user namespace can only be joined before we enter the
 *     container's user namespace (afterwards we hold no capability over the host's);
 *   - namespaces owned by the joined user namespace can be joined before it when we are
 *     privileged on the host (capabilities reach into descendant user namespaces), and only
 *     after it when we are not (then EPERM first; entering the user namespace as its owner
 *     grants the capabilities).
 * So: everything but user first, keeping aside what fails with EPERM, then user, then retry
 * what was kept aside. Without a user namespace to join, EPERM is final.
 */
static void join_all(const struct config *c)
{
	int deferred[NS_COUNT] = {0};
	int joining_user = c->ns_fd[NS_USER] >= 0;
	int k;

	for (k = 0; k < NS_COUNT; k++) {
		if (k == NS_USER || c->ns_fd[k] < 0)
			continue;
		if (setns(c->ns_fd[k], ns_kinds[k].flag) == 0)
			continue;
		if (errno != EPERM || !joining_user)
			die_setns(c, k, "");
		deferred[k] = 1;
	}
	if (!joining_user)
		return;
	if (setns(c->ns_fd[NS_USER], CLONE_NEWUSER) < 0)
		die_setns(c, NS_USER, "");
	become_ns_root();
	for (k = 0; k < NS_COUNT; k++)
		if (deferred[k] && setns(c->ns_fd[k], ns_kinds[k].flag) < 0)
			die_setns(c, k, " after joining user");
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

static void close_ns_fds(const struct config *c)
{
	int k;

	for (k = 0; k < NS_COUNT; k++)
		if (c->ns_fd[k] >= 0)
			close(c->ns_fd[k]);
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

/*
 * fork_and_report forks the real init as a child of the host (CLONE_PARENT), reports its PID,
 * and exits. The child waits for a byte on a pipe before going on, so the pid frame is on the
 * sync socket before anything init writes; if the parent fails, the child sees EOF and exits.
 * Returns only in the child.
 */
static void fork_and_report(void)
{
	char json[64], ok;
	int pipefd[2];
	ssize_t n;
	pid_t pid;
	int len;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		ns_die("nsenter: pipe: %s", ns_errstr(errno));
	pid = raw_clone(CLONE_PARENT | SIGCHLD);
	if (pid < 0)
		ns_die("nsenter: clone: %s", ns_errstr(errno));
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

/* log_namespaces records, at debug level, which namespaces were joined and the unshare. */
static void log_namespaces(const struct config *c, long long start)
{
	char joined[NS_COUNT * 8] = "";
	int k;

	if (!ns_log_on(NS_LOG_DEBUG))
		return;
	for (k = 0; k < NS_COUNT; k++) {
		if (c->ns_fd[k] < 0)
			continue;
		if (joined[0] != '\0')
			strcat(joined, ",");
		strcat(joined, ns_kinds[k].name);
	}
	if (joined[0] == '\0' && c->unshare_flags == 0)
		return;
	ns_log(NS_LOG_DEBUG, "namespaces", start, "namespaces entered: joined %s, unshared %lx",
	    joined[0] != '\0' ? joined : "none", c->unshare_flags);
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
	struct config c = {.ns_fd = {-1, -1, -1, -1, -1, -1, -1, -1}};
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
	join_all(&c);
	close_ns_fds(&c);
	if (c.unshare_flags != 0 && unshare((int)c.unshare_flags) < 0)
		ns_die("nsenter: unshare %lx: %s", c.unshare_flags, ns_errstr(errno));
	if (offsets_fd >= 0)
		write_offsets(offsets_fd, c.offsets);
	log_namespaces(&c, start);
	if (c.fork)
		fork_and_report();
	join_cgroups(&c);
	if (c.ns_fd[NS_USER] < 0 && c.ns_fd[NS_PID] < 0 && prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		ns_die("nsenter: prctl PR_SET_DUMPABLE 1: %s", ns_errstr(errno));
	if (c.exec_plan_fd >= 0)
		ns_exec(c.exec_plan_fd);
}

/* berth_nsenter runs before main in every berth process; one getenv when there is no work. */
__attribute__((constructor)) static void berth_nsenter(void)
{
	const char *on = getenv(ENV_ENABLE);

	if (on != NULL && strcmp(on, "1") == 0)
		nsenter_main();
}
