/*
 * parse.c: reading the environment contract (doc.go) strictly. Every number is parsed by hand
 * with its length bounded and overflow ruled out (CVE-2021-43784 was an overflowed length in a
 * runtime's bootstrap data); anything unexpected is an error, never a guess.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "nsenter.h"

extern char **environ;

/*
 * The join order. user is first in the table but joined specially (join_all in nsenter.c); mnt
 * is last so that nothing after the joins could depend on the host's paths (the only path used,
 * /proc/self/timens_offsets, is opened before any join).
 */
const struct ns_kind ns_kinds[NS_COUNT] = {
	{"user", CLONE_NEWUSER}, {"cgroup", CLONE_NEWCGROUP}, {"ipc", CLONE_NEWIPC},
	{"uts", CLONE_NEWUTS},   {"net", CLONE_NEWNET},       {"pid", CLONE_NEWPID},
	{"time", CLONE_NEWTIME}, {"mnt", CLONE_NEWNS},
};

static int digit_value(char c, unsigned base)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (base == 16 && c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (base == 16 && c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * parse_uint parses exactly s[0..len) as an unsigned number in base 10 or 16, no larger than
 * max. No sign, no spaces, no prefix, no empty string, at most 10 digits; overflow is ruled out
 * before each multiplication. Returns 0 on success, -1 otherwise.
 */
static int parse_uint(const char *s, size_t len, unsigned base, unsigned long max,
		      unsigned long *out)
{
	unsigned long v = 0;
	size_t i;

	if (len == 0 || len > 10)
		return -1;
	for (i = 0; i < len; i++) {
		int d = digit_value(s[i], base);

		if (d < 0 || (unsigned long)d > max || v > (max - (unsigned long)d) / base)
			return -1;
		v = v * base + (unsigned long)d;
	}
	*out = v;
	return 0;
}

/* parse_fd parses a decimal fd number; fds 0-2 are stdio and never a namespace or the sync fd. */
static int parse_fd(const char *s, size_t len, int *fd)
{
	unsigned long v;

	if (parse_uint(s, len, 10, INT_MAX, &v) < 0 || v < 3)
		return -1;
	*fd = (int)v;
	return 0;
}

static int find_kind(const char *name, size_t len)
{
	int k;

	for (k = 0; k < NS_COUNT; k++)
		if (strlen(ns_kinds[k].name) == len && memcmp(ns_kinds[k].name, name, len) == 0)
			return k;
	return -1;
}

/* parse_sync_fd must succeed before anything else: it is how every later failure is reported. */
static void parse_sync_fd(void)
{
	const char *s = getenv(ENV_SYNC_FD);
	int fd;

	if (s == NULL || parse_fd(s, strlen(s), &fd) < 0)
		ns_die("nsenter: %s: want a file descriptor number of 3 or more", ENV_SYNC_FD);
	ns_sync_fd = fd;
}

/*
 * parse_log reads the log stream's fd and level. Both are optional; a level without an fd
 * means nothing, an fd without a level logs warnings and errors.
 */
static void parse_log(void)
{
	const char *s = getenv(ENV_LOG_FD);
	const char *name = getenv(ENV_LOG_LEVEL);
	int fd, level = NS_LOG_WARN;

	if (s == NULL)
		return;
	if (parse_fd(s, strlen(s), &fd) < 0 || fd == ns_sync_fd)
		ns_die("nsenter: %s: want a file descriptor number of 3 or more, not the sync fd",
		    ENV_LOG_FD);
	if (name != NULL && (level = ns_parse_log_level(name)) < 0)
		ns_die("nsenter: %s: want debug, info, warn or error", ENV_LOG_LEVEL);
	ns_log_fd = fd;
	ns_log_level = level;
}

/* parse_ns_entry parses one "type:fd" entry of _BERTH_NS_FDS (s[0..len)) into c. */
static void parse_ns_entry(struct config *c, int index, const char *s, size_t len)
{
	const char *colon = memchr(s, ':', len);
	int shown = len > 40 ? 40 : (int)len;
	int k, fd, other;

	if (colon == NULL)
		ns_die("nsenter: %s entry %d \"%.*s\": want type:fd", ENV_NS_FDS, index, shown, s);
	k = find_kind(s, (size_t)(colon - s));
	if (k < 0)
		ns_die("nsenter: %s entry %d \"%.*s\": unknown namespace type", ENV_NS_FDS, index,
		    shown, s);
	if (c->ns_fd[k] >= 0)
		ns_die("nsenter: %s entry %d: namespace %s given twice", ENV_NS_FDS, index,
		    ns_kinds[k].name);
	if (parse_fd(colon + 1, len - (size_t)(colon + 1 - s), &fd) < 0)
		ns_die("nsenter: %s entry %d \"%.*s\": want a file descriptor number of 3 or more",
		    ENV_NS_FDS, index, shown, s);
	if (fd == ns_sync_fd || fd == ns_log_fd)
		ns_die("nsenter: %s entry %d: fd %d is the sync or log fd", ENV_NS_FDS, index, fd);
	for (other = 0; other < NS_COUNT; other++)
		if (c->ns_fd[other] == fd)
			ns_die("nsenter: %s entry %d: fd %d given twice", ENV_NS_FDS, index, fd);
	c->ns_fd[k] = fd;
}

/* parse_ns_fds parses _BERTH_NS_FDS: comma-separated "type:fd", each type at most once. */
static void parse_ns_fds(struct config *c)
{
	const char *s = getenv(ENV_NS_FDS);
	size_t total;
	int index = 0;

	if (s == NULL || *s == '\0')
		return;
	total = strnlen(s, NS_FDS_MAX + 1);
	if (total > NS_FDS_MAX)
		ns_die("nsenter: %s: longer than %d bytes", ENV_NS_FDS, NS_FDS_MAX);
	for (;;) {
		const char *comma = memchr(s, ',', total);
		size_t len = comma != NULL ? (size_t)(comma - s) : total;

		parse_ns_entry(c, index++, s, len);
		if (comma == NULL)
			return;
		total -= len + 1;
		s = comma + 1; /* a trailing comma leaves an empty entry, rejected above */
	}
}

/*
 * parse_unshare parses _BERTH_UNSHARE: the clone flags, in hex without a prefix. A new user
 * namespace is refused here: its id maps must be written by a privileged process outside it,
 * which is why the host creates it with clone instead.
 */
static void parse_unshare(struct config *c)
{
	const char *s = getenv(ENV_UNSHARE);
	unsigned long flags;
	int k;

	if (s == NULL)
		return;
	if (parse_uint(s, strlen(s), 16, 0xffffffffUL, &flags) < 0 || strlen(s) > 8)
		ns_die("nsenter: %s: want 1 to 8 hex digits", ENV_UNSHARE);
	if (flags & CLONE_NEWUSER)
		ns_die("nsenter: %s %lx: a new user namespace cannot be made here", ENV_UNSHARE, flags);
	if (flags & ~(unsigned long)UNSHARE_ALLOWED)
		ns_die("nsenter: %s %lx: not only namespace flags", ENV_UNSHARE, flags);
	for (k = 0; k < NS_COUNT; k++)
		if ((flags & (unsigned long)ns_kinds[k].flag) && c->ns_fd[k] >= 0)
			ns_die("nsenter: %s %lx: namespace %s is both joined and new", ENV_UNSHARE,
			    flags, ns_kinds[k].name);
	c->unshare_flags = flags;
}

/*
 * parse_offsets checks _BERTH_TIMENS_OFFSETS only loosely (length and alphabet); the kernel
 * parses the lines when they are written.
 */
static void parse_offsets(struct config *c)
{
	const char *s = getenv(ENV_OFFSETS);
	size_t len;

	if (s == NULL)
		return;
	len = strnlen(s, OFFSETS_MAX + 1);
	if (len == 0 || len > OFFSETS_MAX)
		ns_die("nsenter: %s: want 1 to %d bytes", ENV_OFFSETS, OFFSETS_MAX);
	if (strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789 -\n") != len)
		ns_die("nsenter: %s: want lines of \"clock secs nanosecs\"", ENV_OFFSETS);
	if (!(c->unshare_flags & CLONE_NEWTIME))
		ns_die("nsenter: %s: set without a new time namespace in %s", ENV_OFFSETS,
		    ENV_UNSHARE);
	c->offsets = s;
}

/* parse_cgroup_entry parses one fd of _BERTH_CGROUP_FDS (s[0..len)) into c. */
static void parse_cgroup_entry(struct config *c, int index, const char *s, size_t len)
{
	int shown = len > 40 ? 40 : (int)len;
	int fd, i;

	if (c->cgroup_fds == CGROUP_FDS_MAX)
		ns_die("nsenter: %s: more than %d fds", ENV_CGROUP_FDS, CGROUP_FDS_MAX);
	if (parse_fd(s, len, &fd) < 0)
		ns_die("nsenter: %s entry %d \"%.*s\": want a file descriptor number of 3 or more",
		    ENV_CGROUP_FDS, index, shown, s);
	if (fd == ns_sync_fd || fd == ns_log_fd)
		ns_die("nsenter: %s entry %d: fd %d is the %s fd", ENV_CGROUP_FDS, index, fd,
		    fd == ns_sync_fd ? "sync" : "log");
	for (i = 0; i < NS_COUNT; i++)
		if (c->ns_fd[i] == fd)
			ns_die("nsenter: %s entry %d: fd %d is the %s namespace's", ENV_CGROUP_FDS, index,
			    fd, ns_kinds[i].name);
	for (i = 0; i < c->cgroup_fds; i++)
		if (c->cgroup_fd[i] == fd)
			ns_die("nsenter: %s entry %d: fd %d given twice", ENV_CGROUP_FDS, index, fd);
	c->cgroup_fd[c->cgroup_fds++] = fd;
}

/*
 * parse_cgroup_fds parses _BERTH_CGROUP_FDS: comma-separated fds of cgroup tasks files, each
 * at most once and none of them the sync fd or a namespace's (parse_ns_fds runs first).
 */
static void parse_cgroup_fds(struct config *c)
{
	const char *s = getenv(ENV_CGROUP_FDS);
	size_t total;
	int index = 0;

	if (s == NULL || *s == '\0')
		return;
	total = strnlen(s, CGROUP_FDS_LEN_MAX + 1);
	if (total > CGROUP_FDS_LEN_MAX)
		ns_die("nsenter: %s: longer than %d bytes", ENV_CGROUP_FDS, CGROUP_FDS_LEN_MAX);
	for (;;) {
		const char *comma = memchr(s, ',', total);
		size_t len = comma != NULL ? (size_t)(comma - s) : total;

		parse_cgroup_entry(c, index++, s, len);
		if (comma == NULL)
			return;
		total -= len + 1;
		s = comma + 1; /* a trailing comma leaves an empty entry, rejected above */
	}
}

/* parse_fork parses _BERTH_FORK; a pid namespace reaches only children, so it needs the fork. */
static void parse_fork(struct config *c)
{
	const char *s = getenv(ENV_FORK);

	if (s != NULL && strcmp(s, "1") != 0 && strcmp(s, "0") != 0)
		ns_die("nsenter: %s: want 1 or 0", ENV_FORK);
	c->fork = s != NULL && s[0] == '1';
	if (!c->fork && (c->ns_fd[NS_PID] >= 0 || (c->unshare_flags & CLONE_NEWPID)))
		ns_die("nsenter: a pid namespace needs %s=1: it takes in only children", ENV_FORK);
}

/*
 * parse_own_fd reads the variable name, which holds an fd of its own: not stdio, the sync or
 * log fd, a namespace's, a cgroup tasks file's, nor one of the other single fds parsed before
 * it. Returns -1 when the variable is not set.
 */
static int parse_own_fd(const struct config *c, const char *name)
{
	const struct {
		int fd;
		const char *name;
	} others[] = {{c->cgroup_dir_fd, ENV_CGROUP_DIR_FD}, {c->cgroup_sock_fd, ENV_CGROUP_SOCK_FD},
		      {c->exec_plan_fd, ENV_EXEC_PLAN_FD}};
	const char *s = getenv(name);
	int fd;
	size_t i;

	if (s == NULL)
		return -1;
	if (parse_fd(s, strlen(s), &fd) < 0 || fd == ns_sync_fd || fd == ns_log_fd)
		ns_die("nsenter: %s: want a file descriptor number of 3 or more, not the sync or log fd",
		    name);
	for (i = 0; i < NS_COUNT; i++)
		if (c->ns_fd[i] == fd)
			ns_die("nsenter: %s: fd %d is the %s namespace's", name, fd, ns_kinds[i].name);
	for (i = 0; i < (size_t)c->cgroup_fds; i++)
		if (c->cgroup_fd[i] == fd)
			ns_die("nsenter: %s: fd %d is a cgroup tasks fd", name, fd);
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		if (others[i].fd == fd)
			ns_die("nsenter: %s: fd %d is %s's", name, fd, others[i].name);
	return fd;
}

/*
 * parse_cgroup_dir reads _BERTH_CGROUP_DIR_FD, a cgroup v2 directory for the fork to place the
 * child in. Only with the fork, and only when every namespace is joined: a namespace made here
 * before the fork would be made in our cgroup (a new cgroup namespace's root) or user namespace.
 */
static void parse_cgroup_dir(struct config *c)
{
	c->cgroup_dir_fd = parse_own_fd(c, ENV_CGROUP_DIR_FD);
	if (c->cgroup_dir_fd < 0)
		return;
	if (!c->fork)
		ns_die("nsenter: %s needs %s=1: it is where the fork goes", ENV_CGROUP_DIR_FD, ENV_FORK);
	if (c->unshare_flags != 0)
		ns_die("nsenter: %s with %s: new namespaces would be made outside the cgroup",
		    ENV_CGROUP_DIR_FD, ENV_UNSHARE);
}

/*
 * parse_cgroup_sock reads _BERTH_CGROUP_SOCK_FD, the socket on which the host sends the tasks
 * files once it has made the cgroup (create makes it while we start): instead of
 * _BERTH_CGROUP_FDS, never with it.
 */
static void parse_cgroup_sock(struct config *c)
{
	c->cgroup_sock_fd = parse_own_fd(c, ENV_CGROUP_SOCK_FD);
	if (c->cgroup_sock_fd >= 0 && c->cgroup_fds > 0)
		ns_die("nsenter: %s with %s: the tasks files come one way", ENV_CGROUP_SOCK_FD,
		    ENV_CGROUP_FDS);
}

/*
 * parse_exec_plan reads _BERTH_EXEC_PLAN_FD, the plan of an exec run by exec.c, and with it
 * _BERTH_CONSOLE_FD (init reads that one otherwise), which exec.c uses for a terminal.
 */
static void parse_exec_plan(struct config *c)
{
	c->exec_plan_fd = parse_own_fd(c, ENV_EXEC_PLAN_FD);
	if (c->exec_plan_fd >= 0)
		c->console_fd = parse_own_fd(c, ENV_CONSOLE_FD);
}

/*
 * ns_scrub_env hides our variables (but not the sync fd, which init reads) from everything after
 * us. Go reads its environment from the pointer array on the initial stack, which environ
 * still is at this point, and finds the auxiliary vector just past that array's NULL: so the
 * array must keep its length. Each of our entries is pointed at an empty string instead,
 * which getenv never matches and Go's os.Environ skips.
 */
void ns_scrub_env(void)
{
	static char empty[] = "";
	static const char *const names[] = {ENV_ENABLE, ENV_NS_FDS, ENV_UNSHARE, ENV_OFFSETS,
					    ENV_FORK, ENV_CGROUP_FDS, ENV_CGROUP_DIR_FD,
					    ENV_CGROUP_SOCK_FD, ENV_EXEC_PLAN_FD};
	char **e;
	size_t i;

	if (environ == NULL)
		return;
	for (e = environ; *e != NULL; e++) {
		for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			size_t len = strlen(names[i]);

			if (strncmp(*e, names[i], len) == 0 && (*e)[len] == '=')
				*e = empty;
		}
	}
}

/* ns_parse_config reads the whole contract; the sync fd first, as every error goes there. */
void ns_parse_config(struct config *c)
{
	parse_sync_fd();
	parse_log();
	parse_ns_fds(c);
	parse_unshare(c);
	parse_offsets(c);
	parse_fork(c);
	parse_cgroup_fds(c);
	parse_cgroup_dir(c);
	parse_cgroup_sock(c);
	parse_exec_plan(c);
}
