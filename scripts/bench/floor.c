/*
 * floor: the kernel work of `run /bin/true` on the bench bundle and nothing else, so that
 * `make bench` can show how far each runtime is from what the kernel itself costs.
 *
 * Usage, shaped like a runtime's so that bench.sh times it as one: floor [--root DIR] run
 * --bundle BUNDLE ID. --root is ignored; nothing is written to disk but the cgroup.
 *
 * What it does, in order (the config is not read: this is the config of `runc spec` written
 * out by hand, for a bundle made by scripts/mkbundle.sh):
 *   host   one directory floor-ID in every v1 hierarchy mounted under /sys/fs/cgroup (cpuset's
 *          cpus and mems copied from its parent; devices: deny all, allow the usual nodes);
 *   host   clone into new mount, pid, uts, ipc and network namespaces;
 *   child  join the cgroups by writing "0" to each tasks file; hostname "runc";
 *          / made rslave, the rootfs bound onto itself, then under it: proc, /dev tmpfs with
 *          devpts, shm and mqueue, the host's null, zero, full, random, urandom and tty nodes
 *          bound in, the /dev/fd and std* links, sysfs read-only, /sys/fs/cgroup a read-only
 *          tmpfs holding a read-only bind of the container's own directory of each hierarchy;
 *          pivot_root, the old root detached; the masked paths (tmpfs on directories, /dev/null
 *          on files) and the read-only paths of the config; / remounted read-only;
 *          RLIMIT_NOFILE 1024, no_new_privs; execve /bin/true;
 *   host   wait for it, remove the cgroup directories, exit with its status.
 * Left out, because they are not kernel set-up of the container as such: capabilities, seccomp,
 * the state file, the start/create split, the loopback device, hooks, the console. So every
 * runtime does more than this; the floor is a bound, not a target.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <stdarg.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef FLOOR_ARGV /* what the container runs; -D'FLOOR_ARGV="/bin/sh","-c","mount"' to look */
#define FLOOR_ARGV "/bin/true"
#endif
#define CGROUP_ROOT "/sys/fs/cgroup"
#define CGROUP_V1_MAGIC 0x27e0eb
#define MAX_HIERARCHIES 16

static char cgroups[MAX_HIERARCHIES][PATH_MAX]; /* this container's directory in each hierarchy */
static char hierarchies[MAX_HIERARCHIES][64];   /* and the hierarchy's name under CGROUP_ROOT */
static int ncgroups;
static const char *rootfs;
static pid_t host_pid; /* die() in the host process removes the cgroups it made */

static void cgroups_remove(void);

static void die(const char *what, const char *path)
{
	fprintf(stderr, "floor: %s %s: %s\n", what, path ? path : "", strerror(errno));
	if (getpid() == host_pid)
		cgroups_remove();
	exit(1);
}

/* pathf: snprintf into a path buffer, failing rather than truncating. */
__attribute__((format(printf, 3, 4))) static void pathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size) {
		errno = ENAMETOOLONG;
		die("path", fmt);
	}
}

static void write_file(const char *path, const char *data)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, data, strlen(data)) < 0)
		die("write", path);
	close(fd);
}

/* copy_file: cpuset's cpus and mems start empty in a new v1 cgroup and must be filled in. */
static void copy_file(const char *from, const char *to)
{
	char buf[4096];
	ssize_t n;
	int fd = open(from, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || (n = read(fd, buf, sizeof(buf) - 1)) < 0)
		die("read", from);
	close(fd);
	buf[n] = 0;
	write_file(to, buf);
}

static int is_v1_hierarchy(const char *path)
{
	struct statfs fs;
	struct stat st;
	return lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && statfs(path, &fs) == 0 &&
	       fs.f_type == CGROUP_V1_MAGIC;
}

static void cgroup_setup(const char *dir, const char *name)
{
	static const char *allow[] = {"c 1:3 rwm", "c 1:5 rwm", "c 1:7 rwm", "c 1:8 rwm", "c 1:9 rwm",
				      "c 5:0 rwm", "c 5:2 rwm", "c 136:* rwm", NULL};
	char a[PATH_MAX + 32], b[PATH_MAX + 32];

	if (strcmp(name, "cpuset") == 0) {
		pathf(b, sizeof(b), "%s/cpuset.cpus", dir);
		copy_file(CGROUP_ROOT "/cpuset/cpuset.cpus", b);
		pathf(b, sizeof(b), "%s/cpuset.mems", dir);
		copy_file(CGROUP_ROOT "/cpuset/cpuset.mems", b);
	} else if (strcmp(name, "devices") == 0) {
		pathf(a, sizeof(a), "%s/devices.deny", dir);
		write_file(a, "a");
		pathf(a, sizeof(a), "%s/devices.allow", dir);
		for (const char **rule = allow; *rule; rule++)
			write_file(a, *rule);
	}
}

/* cgroups_make: one directory floor-ID in every v1 hierarchy, each set up as above. */
static void cgroups_make(const char *id)
{
	DIR *d = opendir(CGROUP_ROOT);
	struct dirent *e;
	char path[PATH_MAX];

	if (!d)
		die("open", CGROUP_ROOT);
	while ((e = readdir(d)) && ncgroups < MAX_HIERARCHIES) {
		if (e->d_name[0] == '.')
			continue;
		pathf(path, sizeof(path), CGROUP_ROOT "/%s", e->d_name);
		if (!is_v1_hierarchy(path))
			continue;
		pathf(cgroups[ncgroups], PATH_MAX, "%s/floor-%s", path, id);
		pathf(hierarchies[ncgroups], sizeof(hierarchies[0]), "%s", e->d_name);
		if (mkdir(cgroups[ncgroups], 0755) < 0)
			die("mkdir", cgroups[ncgroups]);
		cgroup_setup(cgroups[ncgroups], e->d_name);
		ncgroups++;
	}
	closedir(d);
}

/* cgroups_remove: rmdir can race the exit of the last task by a moment (EBUSY): retry briefly. */
static void cgroups_remove(void)
{
	for (int i = 0; i < ncgroups; i++)
		for (int tries = 0; rmdir(cgroups[i]) < 0 && errno == EBUSY && tries < 100; tries++)
			usleep(1000);
}

static void cgroups_join(void)
{
	char path[PATH_MAX + 8];
	for (int i = 0; i < ncgroups; i++) {
		pathf(path, sizeof(path), "%s/tasks", cgroups[i]);
		write_file(path, "0");
	}
}

static void do_mount(const char *src, const char *dst, const char *type, unsigned long flags,
		     const char *data)
{
	if (mount(src, dst, type, flags, data) < 0)
		die("mount", dst);
}

static void bind_ro(const char *src, const char *dst)
{
	do_mount(src, dst, NULL, MS_BIND | MS_REC, NULL);
	do_mount(NULL, dst, NULL, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
}

/* mount_dev: the /dev of the config, paths relative to the rootfs (the current directory). */
static void mount_dev(void)
{
	static const char *nodes[] = {"null", "zero", "full", "random", "urandom", "tty", NULL};
	static const char *links[][2] = {{"/proc/self/fd", "dev/fd"}, {"/proc/self/fd/0", "dev/stdin"},
					 {"/proc/self/fd/1", "dev/stdout"}, {"/proc/self/fd/2", "dev/stderr"},
					 {"pts/ptmx", "dev/ptmx"}, {"/proc/kcore", "dev/core"}};
	char host[64], dst[64];

	do_mount("tmpfs", "dev", "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k");
	mkdir("dev/pts", 0755);
	do_mount("devpts", "dev/pts", "devpts", MS_NOSUID | MS_NOEXEC,
		 "newinstance,ptmxmode=0666,mode=0620,gid=5");
	mkdir("dev/shm", 01777);
	do_mount("shm", "dev/shm", "tmpfs", MS_NOSUID | MS_NOEXEC | MS_NODEV, "mode=1777,size=65536k");
	mkdir("dev/mqueue", 0755);
	do_mount("mqueue", "dev/mqueue", "mqueue", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL);
	for (const char **n = nodes; *n; n++) {
		pathf(host, sizeof(host), "/dev/%s", *n);
		pathf(dst, sizeof(dst), "dev/%s", *n);
		int fd = open(dst, O_CREAT | O_WRONLY | O_CLOEXEC, 0666);
		if (fd < 0)
			die("create", dst);
		close(fd);
		do_mount(host, dst, NULL, MS_BIND, NULL);
	}
	for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
		if (symlink(links[i][0], links[i][1]) < 0)
			die("symlink", links[i][1]);
}

/* mount_sys: sysfs read-only, and /sys/fs/cgroup as a tmpfs showing only this container's
 * cgroups, read-only. */
static void mount_sys(void)
{
	char dst[PATH_MAX];
	do_mount("sysfs", "sys", "sysfs", MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY, NULL);
	do_mount("cgroup", "sys/fs/cgroup", "tmpfs", MS_NOSUID | MS_NOEXEC | MS_NODEV, "mode=755");
	for (int i = 0; i < ncgroups; i++) {
		pathf(dst, sizeof(dst), "sys/fs/cgroup/%s", hierarchies[i]);
		if (mkdir(dst, 0755) < 0)
			die("mkdir", dst);
		bind_ro(cgroups[i], dst);
	}
	do_mount(NULL, "sys/fs/cgroup", NULL, MS_REMOUNT | MS_RDONLY | MS_NOSUID | MS_NOEXEC | MS_NODEV,
		 "mode=755");
}

static void enter_root(void)
{
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		die("pivot_root", rootfs);
	if (umount2(".", MNT_DETACH) < 0)
		die("umount", "old root");
	if (chdir("/") < 0)
		die("chdir", "/");
}

static void mask_and_protect(void)
{
	static const char *masked[] = {"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
				       "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats",
				       "/proc/sched_debug", "/sys/firmware", "/proc/scsi", NULL};
	static const char *readonly[] = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
					 "/proc/sysrq-trigger", NULL};
	struct stat st;

	for (const char **p = masked; *p; p++) {
		if (stat(*p, &st) < 0)
			continue; /* not on this kernel */
		if (S_ISDIR(st.st_mode))
			do_mount("tmpfs", *p, "tmpfs", MS_RDONLY, NULL);
		else
			do_mount("/dev/null", *p, NULL, MS_BIND, NULL);
	}
	for (const char **p = readonly; *p; p++)
		if (stat(*p, &st) == 0)
			bind_ro(*p, *p);
	do_mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL);
}

static int child(void *arg)
{
	static const struct rlimit nofile = {1024, 1024};
	char *const argv[] = {FLOOR_ARGV, NULL};
	char *const envp[] = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
			      "TERM=xterm", NULL};
	(void)arg;

	cgroups_join();
	if (sethostname("runc", 4) < 0)
		die("sethostname", "runc");
	do_mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL);
	do_mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL);
	if (chdir(rootfs) < 0)
		die("chdir", rootfs);
	do_mount("proc", "proc", "proc", MS_NOSUID | MS_NOEXEC | MS_NODEV, NULL);
	mount_dev();
	mount_sys();
	enter_root();
	mask_and_protect();
	if (setrlimit(RLIMIT_NOFILE, &nofile) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		die("process", "attributes");
	execve(argv[0], argv, envp);
	die("execve", argv[0]);
	return 1;
}

int main(int argc, char **argv)
{
	static char stack[64 * 1024] __attribute__((aligned(16)));
	static char path[PATH_MAX];
	const char *bundle = NULL;
	int status;
	pid_t pid;

	for (int i = 1; i + 1 < argc; i++)
		if (strcmp(argv[i], "--bundle") == 0 || strcmp(argv[i], "-b") == 0)
			bundle = argv[i + 1];
	if (!bundle || argc < 2 || strcmp(argv[argc - 1], bundle) == 0) {
		fprintf(stderr, "usage: floor [--root DIR] run --bundle BUNDLE ID\n");
		return 2;
	}
	pathf(path, sizeof(path), "%s/rootfs", bundle);
	rootfs = realpath(path, NULL);
	if (!rootfs)
		die("realpath", path);

	host_pid = getpid();
	cgroups_make(argv[argc - 1]);
	pid = clone(child, stack + sizeof(stack),
		    CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET | SIGCHLD, NULL);
	if (pid < 0)
		die("clone", "");
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	cgroups_remove();
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
