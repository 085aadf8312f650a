/*
 * nsenter.h: what the three C files of the nsenter constructor share. See doc.go.
 * Everything runs in a single-threaded process before the Go runtime, so static buffers are
 * fine and nothing calls malloc.
 */
#ifndef BERTH_NSENTER_H
#define BERTH_NSENTER_H

#include <stddef.h>
#include <sched.h>

#ifndef CLONE_NEWCGROUP
#define CLONE_NEWCGROUP 0x02000000
#endif
#ifndef CLONE_NEWTIME
#define CLONE_NEWTIME 0x00000080
#endif

#define ENV_ENABLE "_BERTH_NSENTER"
#define ENV_NS_FDS "_BERTH_NS_FDS"
#define ENV_UNSHARE "_BERTH_UNSHARE"
#define ENV_OFFSETS "_BERTH_TIMENS_OFFSETS"
#define ENV_FORK "_BERTH_FORK"
#define ENV_SYNC_FD "_BERTH_SYNC_FD"
#define ENV_CGROUP_FDS "_BERTH_CGROUP_FDS"
#define ENV_CGROUP_DIR_FD "_BERTH_CGROUP_DIR_FD"
#define ENV_CGROUP_SOCK_FD "_BERTH_CGROUP_SOCK_FD"
#define ENV_EXEC_PLAN_FD "_BERTH_EXEC_PLAN_FD"
/* The console socket connection: init's, and exec.c's for a planned exec with a terminal. */
#define ENV_CONSOLE_FD "_BERTH_CONSOLE_FD"
/* The log stream (protocol/log.go); both are optional and kept for init. */
#define ENV_LOG_FD "_BERTH_LOG_FD"
#define ENV_LOG_LEVEL "_BERTH_LOG_LEVEL"

enum {
	NS_COUNT = 8,
	NS_FDS_MAX = 256,   /* longest _BERTH_NS_FDS: 8 entries of "cgroup:2147483647" fit */
	OFFSETS_MAX = 1024, /* longest _BERTH_TIMENS_OFFSETS: two clocks need ~70 bytes */
	CGROUP_FDS_MAX = 16, /* one open tasks file per cgroup v1 hierarchy */
	CGROUP_FDS_LEN_MAX = 192, /* longest _BERTH_CGROUP_FDS: 16 fds of 10 digits and commas */
	MSG_MAX = 512,      /* longest error sentence before JSON escaping */
	FRAME_MAX = 64 + 6 * MSG_MAX,
};

/* What unshare may be asked for: the namespace flags, except user (see parse_unshare). */
#define UNSHARE_ALLOWED \
	(CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | \
	 CLONE_NEWNET | CLONE_NEWTIME)

struct ns_kind {
	const char *name; /* as in /proc/PID/ns and in _BERTH_NS_FDS */
	int flag;
};

/* ns_kinds (parse.c) in join order; these are indexes into it. */
enum { NS_USER = 0, NS_CGROUP = 1, NS_PID = 5 };
extern const struct ns_kind ns_kinds[NS_COUNT];

struct config {
	int ns_fd[NS_COUNT]; /* indexed like ns_kinds; -1 when that namespace is not joined */
	unsigned long unshare_flags;
	const char *offsets; /* NULL when no time offsets are given */
	int fork;
	int cgroup_fd[CGROUP_FDS_MAX]; /* open cgroup tasks files to write "0" into */
	int cgroup_fds;
	int cgroup_dir_fd; /* a cgroup v2 directory to fork into (clone3), or -1 */
	int cgroup_sock_fd; /* a socket the tasks files arrive on later, or -1 */
	unsigned joined;   /* bit k set once ns_kinds[k] is joined */
	int exec_plan_fd; /* -1 unless exec.c runs the process (no Go runtime) */
	int console_fd;   /* the console socket for exec.c, or -1 */
};

/* report.c: the sync fd (-1 until parsed), frames, and failing with an error frame. */
extern int ns_sync_fd;
int ns_send_frame(const char *json, size_t len);
void ns_die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
const char *ns_errstr(int err);

/* report.c: log records, as init writes them (protocol/log.go). Levels lowest first. */
enum { NS_LOG_DEBUG, NS_LOG_INFO, NS_LOG_WARN, NS_LOG_ERROR, NS_LOG_OFF };
extern int ns_log_fd;
extern int ns_log_level; /* NS_LOG_OFF until parsed */
int ns_parse_log_level(const char *name);
long long ns_now(void);
void ns_log(int level, const char *phase, long long since, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
/* ns_log_on is the cheap check to make before timing or logging anything. */
static inline int ns_log_on(int level)
{
	return level >= ns_log_level;
}

/* exec.c: run the exec'd process from the plan in fd; never returns. */
void ns_exec(int plan_fd, int console_fd) __attribute__((noreturn));

/* parse.c: read and check the environment into c, then hide it from Go. */
void ns_parse_config(struct config *c);
void ns_scrub_env(void);

#endif
