/*
 * exec.c: runs an exec'd process straight from the constructor, with no Go runtime in the
 * child. The host has already resolved the config into a plan of numbers and strings
 * (protocol/execplan.go documents the layout) and decided that the process needs nothing this
 * file lacks (container/execdirect.go); here are only the system calls, in the order `berth
 * init` makes them for a process (initproc.execProgram, process.SetCredentials):
 *
 *   setsid, every fd close-on-exec, the terminal (a pty whose master goes to the console socket),
 *   rlimits, cwd, HOME, the program found in PATH, seccomp
 *   (without no_new_privs: while CAP_SYS_ADMIN is still held), bounding set, groups and ids,
 *   capabilities, ambient set, umask, no_new_privs, seccomp (with no_new_privs: last), the
 *   preserved fds handed on, execve.
 *
 * Why: starting the Go runtime in the child costs more than everything else an exec does, and
 * its threads count against the container's pids.max. Every failure is an error frame on the
 * sync fd (ns_die), worded as init words it; success is the sync fd closing on execve.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include "nsenter.h"

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif
#ifndef PR_CAP_AMBIENT
#define PR_CAP_AMBIENT 47
#define PR_CAP_AMBIENT_RAISE 2
#define PR_CAP_AMBIENT_CLEAR_ALL 4
#endif

#define PLAN_MAGIC 0x31505842u /* "BXP1", as protocol.execPlanMagic */
#define DEFAULT_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

enum { PLAN_NO_NEW_PRIVS = 1, PLAN_UMASK = 2, PLAN_TERMINAL = 4 };
enum { CAP_BOUNDING, CAP_EFFECTIVE, CAP_PERMITTED, CAP_INHERITABLE, CAP_AMBIENT, CAP_SETS };
enum {
	PLAN_MAX = 64 << 20,  /* far above ARG_MAX plus the largest filter */
	PASSWD_MAX = 1 << 20, /* the container's /etc/passwd is untrusted: read at most this */
	FILTER_MAX = 4096,    /* BPF_MAXINSNS */
};

struct plan {
	uint32_t flags, umask, uid, gid;
	uint32_t ngroups;
	gid_t *groups;
	uint64_t caps[CAP_SETS];
	uint32_t last_cap;
	uint32_t nrlimits;
	const unsigned char *rlimits; /* nrlimits × (u32 resource, u64 soft, u64 hard) */
	uint32_t preserve_fds;
	uint32_t console_height, console_width; /* 0 0: leave the new pty's size */
	uint32_t seccomp_flags;
	struct sock_fprog seccomp; /* len 0: no filter */
	const char *cwd;
	char **argv;
	char **envp;
};

/* cursor reads the plan; any read past its end is a broken plan, never a guess. */
struct cursor {
	const unsigned char *p, *end;
};

static const unsigned char *take(struct cursor *c, size_t n, const char *what)
{
	const unsigned char *p = c->p;

	if ((size_t)(c->end - c->p) < n)
		ns_die("nsenter: exec plan: truncated at %s", what);
	c->p += n;
	return p;
}

static uint32_t take_u32(struct cursor *c, const char *what)
{
	uint32_t v;

	memcpy(&v, take(c, sizeof(v), what), sizeof(v));
	return v;
}

static uint64_t take_u64(struct cursor *c, const char *what)
{
	uint64_t v;

	memcpy(&v, take(c, sizeof(v), what), sizeof(v));
	return v;
}

/* take_count reads a count of items of at least min_size bytes each that must still fit. */
static uint32_t take_count(struct cursor *c, size_t min_size, const char *what)
{
	uint32_t n = take_u32(c, what);

	if ((size_t)n > (size_t)(c->end - c->p) / min_size)
		ns_die("nsenter: exec plan: %u %s cannot fit", n, what);
	return n;
}

/* take_str returns a NUL-terminated string inside the plan's own (private, writable) pages. */
static char *take_str(struct cursor *c, const char *what)
{
	uint32_t n = take_u32(c, what);
	const unsigned char *s;

	if (n == 0)
		ns_die("nsenter: exec plan: %s has no terminating NUL", what);
	s = take(c, n, what);
	if (s[n - 1] != '\0')
		ns_die("nsenter: exec plan: %s has no terminating NUL", what);
	return (char *)s;
}

/* alloc gives zeroed memory that is never freed: the process is about to execve. */
static void *alloc(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		ns_die("nsenter: exec plan: mmap %zu bytes: %s", n, ns_errstr(errno));
	return p;
}

/* take_strs reads a count and that many strings into a NULL-terminated array with room for
 * spare more entries. */
static char **take_strs(struct cursor *c, size_t spare, const char *what)
{
	uint32_t n = take_count(c, 5, what), i;
	char **list = alloc(((size_t)n + 1 + spare) * sizeof(char *));

	for (i = 0; i < n; i++)
		list[i] = take_str(c, what);
	return list;
}

static void take_ids(struct cursor *c, struct plan *p)
{
	uint32_t i;

	p->flags = take_u32(c, "flags");
	p->umask = take_u32(c, "umask");
	p->uid = take_u32(c, "uid");
	p->gid = take_u32(c, "gid");
	p->ngroups = take_count(c, 4, "additional gids");
	p->groups = alloc(((size_t)p->ngroups + 1) * sizeof(gid_t));
	for (i = 0; i < p->ngroups; i++)
		p->groups[i] = take_u32(c, "additional gids");
	for (i = 0; i < CAP_SETS; i++)
		p->caps[i] = take_u64(c, "capabilities");
	p->last_cap = take_u32(c, "last capability");
	if (p->last_cap > 63)
		ns_die("nsenter: exec plan: last capability %u is beyond 63", p->last_cap);
}

static void take_filter(struct cursor *c, struct plan *p)
{
	uint32_t n;

	p->seccomp_flags = take_u32(c, "seccomp flags");
	n = take_count(c, sizeof(struct sock_filter), "seccomp instructions");
	if (n > FILTER_MAX)
		ns_die("nsenter: exec plan: %u seccomp instructions, more than %d", n, FILTER_MAX);
	p->seccomp.len = (unsigned short)n;
	if (n == 0)
		return;
	/* Copied out: the plan's bytes need not be aligned for struct sock_filter. */
	p->seccomp.filter = alloc((size_t)n * sizeof(struct sock_filter));
	memcpy(p->seccomp.filter, take(c, (size_t)n * sizeof(struct sock_filter), "seccomp"),
	    (size_t)n * sizeof(struct sock_filter));
}

/* read_plan maps the sealed memfd and decodes it; strings stay in the mapping. */
static void read_plan(int fd, struct plan *p)
{
	struct cursor c;
	struct stat st;
	void *buf;

	if (fstat(fd, &st) < 0)
		ns_die("nsenter: exec plan: fstat: %s", ns_errstr(errno));
	if (st.st_size <= 0 || st.st_size > PLAN_MAX)
		ns_die("nsenter: exec plan: %lld bytes", (long long)st.st_size);
	buf = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (buf == MAP_FAILED)
		ns_die("nsenter: exec plan: mmap: %s", ns_errstr(errno));
	close(fd);
	c.p = buf;
	c.end = c.p + st.st_size;
	if (take_u32(&c, "magic") != PLAN_MAGIC)
		ns_die("nsenter: exec plan: not a plan (bad magic)");
	take_ids(&c, p);
	p->nrlimits = take_count(&c, 20, "rlimits");
	p->rlimits = take(&c, (size_t)p->nrlimits * 20, "rlimits");
	p->preserve_fds = take_u32(&c, "preserved fds");
	p->console_height = take_u32(&c, "console size");
	p->console_width = take_u32(&c, "console size");
	take_filter(&c, p);
	p->cwd = take_str(&c, "cwd");
	p->argv = take_strs(&c, 0, "args");
	p->envp = take_strs(&c, 1, "env"); /* room for HOME */
	if (p->argv[0] == NULL)
		ns_die("process.args: empty");
	if (c.p != c.end)
		ns_die("nsenter: exec plan: %zu bytes after the end", (size_t)(c.end - c.p));
}

/*
 * close_all_on_exec marks every fd from 3 up close-on-exec, as init does first thing: nothing
 * of berth's or its caller's may reach the program but the preserved fds, handed on last.
 */
static void close_all_on_exec(void)
{
	struct rlimit rl;
	int fd, max = 1 << 16;

	if (syscall(SYS_close_range, 3U, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
		return;
	/* Kernels before 5.11: every fd the limit allows. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t)max)
		max = (int)rl.rlim_cur;
	for (fd = 3; fd < max; fd++)
		(void)fcntl(fd, F_SETFD, FD_CLOEXEC);
}

/* send_fd sends fd to the console socket with the name init gives it, in one message. */
static void send_fd(int sock, int fd, const char *name)
{
	char control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = {(void *)name, strlen(name)};
	struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control,
			     .msg_controllen = sizeof(control)};
	struct cmsghdr *cm;
	ssize_t n;

	memset(control, 0, sizeof(control));
	cm = CMSG_FIRSTHDR(&msg);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &fd, sizeof(int));
	do
		n = sendmsg(sock, &msg, MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)iov.iov_len)
		ns_die("process.terminal: send to console socket: send fd %s: %s", name,
		    n < 0 ? ns_errstr(errno) : "short write");
}

/* open_pty opens a new pty of the container's devpts; returns the master, sets *slave. */
static int open_pty(int *slave)
{
	struct stat st;
	int master, unlock = 0;

	/* After the joins "/" is the container's root: its own devpts, as for init. */
	master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (master < 0)
		ns_die("process.terminal: /dev/ptmx: %s", ns_errstr(errno));
	if (fstat(master, &st) < 0 || !S_ISCHR(st.st_mode) || major(st.st_rdev) != 5 ||
	    minor(st.st_rdev) != 2)
		ns_die("process.terminal: /dev/ptmx: not the pty multiplexer (char device 5:2)");
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		ns_die("process.terminal: /dev/ptmx: ioctl TIOCSPTLCK: %s", ns_errstr(errno));
	/* Through the master, never by path: a hostile /dev/pts/N cannot stand in for it. */
	*slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*slave < 0)
		ns_die("process.terminal: open the slave: ioctl TIOCGPTPEER: %s", ns_errstr(errno));
	return master;
}

/*
 * make_terminal gives the process a new pty as its controlling terminal and stdio and hands the
 * master to the console socket, as init does for process.terminal: ONLCR cleared (a client
 * reading through the pty gets "\n", not "\r\n"), the size from process.consoleSize.
 */
static void make_terminal(const struct plan *p, int console_fd)
{
	struct termios tio;
	int master, slave, fd;

	if (console_fd < 0)
		ns_die("process.terminal: no console socket to send the terminal to");
	master = open_pty(&slave);
	if (tcgetattr(slave, &tio) < 0)
		ns_die("process.terminal: tcgetattr: %s", ns_errstr(errno));
	tio.c_oflag &= ~(tcflag_t)ONLCR;
	if (tcsetattr(slave, TCSANOW, &tio) < 0)
		ns_die("process.terminal: clear ONLCR: %s", ns_errstr(errno));
	if (p->console_height != 0 || p->console_width != 0) {
		struct winsize ws = {.ws_row = (unsigned short)p->console_height,
				     .ws_col = (unsigned short)p->console_width};

		if (ioctl(master, TIOCSWINSZ, &ws) < 0)
			ns_die("process.consoleSize: ioctl TIOCSWINSZ: %s", ns_errstr(errno));
	}
	send_fd(console_fd, master, "/dev/ptmx");
	close(master);
	close(console_fd);
	if (ioctl(slave, TIOCSCTTY, 0) < 0)
		ns_die("process.terminal: ioctl TIOCSCTTY: %s", ns_errstr(errno));
	for (fd = 0; fd <= 2; fd++)
		if (dup2(slave, fd) < 0)
			ns_die("process.terminal: dup2 onto fd %d: %s", fd, ns_errstr(errno));
	close(slave);
}

static void set_rlimits(const struct plan *p)
{
	uint32_t i;

	for (i = 0; i < p->nrlimits; i++) {
		const unsigned char *r = p->rlimits + (size_t)i * 20;
		uint32_t res;
		uint64_t soft, hard;
		struct rlimit rl;

		memcpy(&res, r, 4);
		memcpy(&soft, r + 4, 8);
		memcpy(&hard, r + 12, 8);
		rl.rlim_cur = soft;
		rl.rlim_max = hard;
		if (setrlimit((__rlimit_resource_t)res, &rl) < 0)
			ns_die("process.rlimits[%u] (resource %u) soft %llu hard %llu: %s", i, res,
			    (unsigned long long)soft, (unsigned long long)hard, ns_errstr(errno));
	}
}

/*
 * enter_cwd changes to process.cwd and checks that it is inside the container's root: the
 * kernel reports a directory outside it as "(unreachable)/..." (CVE-2024-21626).
 */
static void enter_cwd(const struct plan *p)
{
	const char *cwd = p->cwd[0] != '\0' ? p->cwd : "/";
	static char wd[PATH_MAX];

	if (chdir(cwd) < 0)
		ns_die("process.cwd \"%s\": %s", cwd, ns_errstr(errno));
	if (syscall(SYS_getcwd, wd, sizeof(wd)) < 0 || wd[0] != '/')
		ns_die("process.cwd \"%s\": resolves outside the container root", cwd);
}

static const char *env_value(char **envp, const char *name)
{
	size_t len = strlen(name);
	const char *found = NULL;

	for (; *envp != NULL; envp++)
		if (strncmp(*envp, name, len) == 0 && (*envp)[len] == '=')
			found = *envp + len + 1; /* the last one wins, as for the program */
	return found;
}

/* passwd_home finds uid's home directory in one line of /etc/passwd; NULL if not this uid's. */
static const char *passwd_home(char *line, const char *uid)
{
	char *field[7];
	int n = 0;

	field[n++] = line;
	for (char *s = line; *s != '\0' && n < 7; s++)
		if (*s == ':') {
			*s = '\0';
			field[n++] = s + 1;
		}
	if (n < 6 || strcmp(field[2], uid) != 0 || field[5][0] != '/')
		return NULL;
	return field[5];
}

/*
 * home_of reads uid's home directory from the container's /etc/passwd, as init does (and runc,
 * and login shells); "/" when there is none. The file is the container's: only a regular file,
 * never blocking, at most PASSWD_MAX bytes.
 */
static const char *home_of(uint32_t uid)
{
	char want[16], *buf, *line, *next;
	const char *home;
	struct stat st;
	size_t len = 0;
	ssize_t n;
	int fd;

	fd = open("/etc/passwd", O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return "/";
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		close(fd);
		return "/";
	}
	buf = alloc(PASSWD_MAX + 1);
	while (len < PASSWD_MAX && (n = read(fd, buf + len, PASSWD_MAX - len)) > 0)
		len += (size_t)n;
	close(fd);
	snprintf(want, sizeof(want), "%u", uid);
	for (line = buf; line < buf + len; line = next + 1) {
		next = memchr(line, '\n', (size_t)(buf + len - line));
		if (next == NULL)
			next = buf + len;
		*next = '\0';
		if ((home = passwd_home(line, want)) != NULL)
			return home;
	}
	return "/";
}

/* add_home appends HOME to the environment when it has none. */
static void add_home(struct plan *p)
{
	static char entry[PATH_MAX + 8];
	char **e;

	if (env_value(p->envp, "HOME") != NULL)
		return;
	snprintf(entry, sizeof(entry), "HOME=%s", home_of(p->uid));
	for (e = p->envp; *e != NULL; e++)
		;
	e[0] = entry;
	e[1] = NULL;
}

/* executable says why path cannot be run (as a short phrase), or NULL if it can. */
static const char *not_executable(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return ns_errstr(errno);
	if (S_ISDIR(st.st_mode))
		return "is a directory";
	if ((st.st_mode & 0111) == 0)
		return "permission denied: not executable";
	return NULL;
}

/*
 * find_program finds args[0] as a shell would, in the PATH of the process's environment, so
 * that a missing program fails here and not as a bare execve error.
 */
static const char *find_program(const struct plan *p)
{
	static char candidate[PATH_MAX];
	const char *name = p->argv[0], *path, *why;

	if (strchr(name, '/') != NULL) {
		if ((why = not_executable(name)) != NULL)
			ns_die("process.args[0] \"%s\": %s", name, why);
		return name;
	}
	path = env_value(p->envp, "PATH");
	if (path == NULL)
		path = DEFAULT_PATH;
	for (;;) {
		const char *colon = strchr(path, ':');
		size_t len = colon != NULL ? (size_t)(colon - path) : strlen(path);
		int n;

		if (len == 0)
			n = snprintf(candidate, sizeof(candidate), "%s", name);
		else
			n = snprintf(candidate, sizeof(candidate), "%.*s/%s", (int)len, path, name);
		if (n > 0 && (size_t)n < sizeof(candidate) && not_executable(candidate) == NULL)
			return candidate;
		if (colon == NULL)
			break;
		path = colon + 1;
	}
	ns_die("process.args[0] \"%s\": executable file not found in $PATH", name);
}

static void load_seccomp(const struct plan *p)
{
	if (p->seccomp.len == 0)
		return;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->seccomp_flags, &p->seccomp) < 0) {
		int err = errno;

		ns_die("seccomp: load filter (flags %#x): seccomp: %s%s", p->seccomp_flags,
		    ns_errstr(err),
		    err == EACCES ? " (needs no_new_privs or CAP_SYS_ADMIN on the calling thread)" : "");
	}
}

static void drop_bounding(const struct plan *p)
{
	uint32_t c;

	for (c = 0; c <= p->last_cap; c++)
		if (!(p->caps[CAP_BOUNDING] & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
			ns_die("process.capabilities.bounding: drop capability %u: %s", c,
			    ns_errstr(errno));
}

/*
 * set_ids switches groups, gid and uid, then checks that the kernel reports exactly those: an
 * id read as "unchanged" must never leave the program running as root.
 */
static void set_ids(const struct plan *p)
{
	uid_t r, e, s;
	gid_t rg, eg, sg;

	/* Refused in a user namespace whose setgroups says deny; none is then what we have. */
	if (setgroups(p->ngroups, p->groups) < 0 && p->ngroups > 0)
		ns_die("process.user.additionalGids (%u groups): %s", p->ngroups, ns_errstr(errno));
	if (setresgid(p->gid, p->gid, p->gid) < 0)
		ns_die("process.user.gid %u: %s", p->gid, ns_errstr(errno));
	if (setresuid(p->uid, p->uid, p->uid) < 0)
		ns_die("process.user.uid %u: %s", p->uid, ns_errstr(errno));
	if (getresuid(&r, &e, &s) < 0 || r != p->uid || e != p->uid || s != p->uid)
		ns_die("process.user.uid %u: after the switch the uids are %u/%u/%u", p->uid, r, e, s);
	if (getresgid(&rg, &eg, &sg) < 0 || rg != p->gid || eg != p->gid || sg != p->gid)
		ns_die("process.user.gid %u: after the switch the gids are %u/%u/%u", p->gid, rg, eg,
		    sg);
}

static void set_caps(const struct plan *p)
{
	struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
	struct __user_cap_data_struct data[2];
	uint32_t c;
	int i;

	for (i = 0; i < 2; i++) {
		data[i].effective = (uint32_t)(p->caps[CAP_EFFECTIVE] >> (32 * i));
		data[i].permitted = (uint32_t)(p->caps[CAP_PERMITTED] >> (32 * i));
		data[i].inheritable = (uint32_t)(p->caps[CAP_INHERITABLE] >> (32 * i));
	}
	if (syscall(SYS_capset, &hdr, data) < 0)
		ns_die("process.capabilities: capset: %s", ns_errstr(errno));
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		ns_die("process.capabilities.ambient: clear: %s", ns_errstr(errno));
	for (c = 0; c <= p->last_cap; c++)
		if ((p->caps[CAP_AMBIENT] & (1ULL << c)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, c, 0, 0) < 0)
			ns_die("process.capabilities.ambient: raise capability %u: %s", c,
			    ns_errstr(errno));
}

/*
 * set_credentials: the bounding set while CAP_SETPCAP is held, keepcaps so that the permitted
 * set survives setuid, the ids, the sets, umask, no_new_privs (SetCredentials' order).
 */
static void set_credentials(const struct plan *p)
{
	drop_bounding(p);
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		ns_die("keep capabilities across setuid: %s", ns_errstr(errno));
	set_ids(p);
	set_caps(p);
	if (p->flags & PLAN_UMASK)
		umask((mode_t)p->umask);
	if ((p->flags & PLAN_NO_NEW_PRIVS) && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		ns_die("process.noNewPrivileges: %s", ns_errstr(errno));
}

static void inherit_fds(uint32_t n)
{
	uint32_t fd;

	for (fd = 3; fd < 3 + n; fd++)
		if (fcntl((int)fd, F_SETFD, 0) < 0)
			ns_die("--preserve-fds: fd %u: fcntl F_SETFD: %s", fd, ns_errstr(errno));
}

void ns_exec(int plan_fd, int console_fd)
{
	long long start = ns_log_on(NS_LOG_DEBUG) ? ns_now() : 0;
	struct plan p = {0};
	const char *path;

	if (setsid() < 0)
		ns_die("setsid: %s", ns_errstr(errno));
	close_all_on_exec();
	read_plan(plan_fd, &p);
	if (p.flags & PLAN_TERMINAL)
		make_terminal(&p, console_fd);
	set_rlimits(&p);
	enter_cwd(&p);
	add_home(&p);
	path = find_program(&p);
	if (!(p.flags & PLAN_NO_NEW_PRIVS))
		load_seccomp(&p);
	set_credentials(&p);
	ns_log(NS_LOG_DEBUG, "credentials", start, "user, groups and capabilities set");
	if (p.flags & PLAN_NO_NEW_PRIVS)
		load_seccomp(&p);
	inherit_fds(p.preserve_fds);
	ns_log(NS_LOG_DEBUG, "exec", start, "exec %s", path);
	execve(path, p.argv, p.envp);
	ns_die("exec \"%s\": %s", path, ns_errstr(errno));
}
