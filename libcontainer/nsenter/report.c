/* report.c: telling the host what happened, as protocol frames on the sync fd. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "nsenter.h"

/* The host's end of the conversation; -1 until _BERTH_SYNC_FD is parsed. */
int ns_sync_fd = -1;

/*
 * write_all writes the whole buffer. send with MSG_NOSIGNAL keeps a dead host from killing us
 * with SIGPIPE; a sync fd that is not a socket (tests may use a pipe) falls back to write.
 */
static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = send(fd, buf, len, MSG_NOSIGNAL);
		if (n < 0 && errno == ENOTSOCK)
			n = write(fd, buf, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* ns_send_frame writes one protocol frame: a little-endian uint32 length, then the JSON. */
int ns_send_frame(const char *json, size_t len)
{
	static char buf[4 + FRAME_MAX];

	if (ns_sync_fd < 0 || len > FRAME_MAX)
		return -1;
	buf[0] = (char)(len & 0xff);
	buf[1] = (char)((len >> 8) & 0xff);
	buf[2] = (char)((len >> 16) & 0xff);
	buf[3] = (char)((len >> 24) & 0xff);
	memcpy(buf + 4, json, len);
	return write_all(ns_sync_fd, buf, 4 + len);
}

/*
 * json_escape writes s into out (capacity cap) as the inside of a JSON string. Every byte
 * outside printable ASCII becomes \u00XX, so the result is valid JSON whatever s holds (env
 * values may carry any byte). It stops before an escape that would not fit.
 */
static size_t json_escape(char *out, size_t cap, const char *s)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = 0;

	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;
		char esc[6];
		size_t len = 1;

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			len = 2;
		} else if (c < 0x20 || c > 0x7e) {
			memcpy(esc, "\\u00", 4);
			esc[4] = hex[c >> 4];
			esc[5] = hex[c & 0xf];
			len = 6;
		} else {
			esc[0] = (char)c;
		}
		if (n + len > cap)
			break;
		memcpy(out + n, esc, len);
		n += len;
	}
	return n;
}

/*
 * ns_die reports a failure as an error frame and exits 1. When the frame cannot be sent (no sync
 * fd yet, or the host is gone) the sentence goes to stderr instead, so it is never lost.
 */
void ns_die(const char *fmt, ...)
{
	static const char head[] = "{\"type\":\"error\",\"error\":\"";
	static char msg[MSG_MAX];
	static char json[FRAME_MAX];
	size_t n = sizeof(head) - 1;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	memcpy(json, head, n);
	n += json_escape(json + n, sizeof(json) - n - 2, msg);
	json[n++] = '"';
	json[n++] = '}';
	if (ns_send_frame(json, n) < 0) {
		/* The log stream may still reach the host, which adds it to its error. */
		ns_log(NS_LOG_ERROR, NULL, 0, "%s", msg);
		dprintf(STDERR_FILENO, "%s\n", msg);
	}
	_exit(1);
}

/* ns_errstr is strerror with a lowercase first letter, as berth's error sentences are. */
const char *ns_errstr(int err)
{
	static char buf[128];

	snprintf(buf, sizeof(buf), "%s", strerror(err));
	if (buf[0] >= 'A' && buf[0] <= 'Z')
		buf[0] = (char)(buf[0] - 'A' + 'a');
	return buf;
}

/* The log stream; -1 and off until _BERTH_LOG_FD and _BERTH_LOG_LEVEL are parsed. */
int ns_log_fd = -1;
int ns_log_level = NS_LOG_OFF;

/* The stream's level names, indexed by NS_LOG_*; protocol/log.go has the same. */
static const char *const log_level_names[] = {"debug", "info", "warn", "error"};

/* ns_parse_log_level returns the NS_LOG_* of a level name, or -1. */
int ns_parse_log_level(const char *name)
{
	int l;

	for (l = NS_LOG_DEBUG; l < NS_LOG_OFF; l++)
		if (strcmp(name, log_level_names[l]) == 0)
			return l;
	return -1;
}

/* ns_now is CLOCK_MONOTONIC in nanoseconds (the vDSO: no system call). */
long long ns_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

/*
 * ns_log writes one record to the log stream when level is at or above the host's:
 * {"level":"debug","msg":"...","src":"nsenter","phase":"...","duration":N}, duration being the
 * nanoseconds since since (ns_now) when since is not 0. One write per record; if it fails (the
 * host stopped reading) logging stops.
 */
void ns_log(int level, const char *phase, long long since, const char *fmt, ...)
{
	static char msg[MSG_MAX];
	static char line[FRAME_MAX + 256]; /* the escaped msg takes at most FRAME_MAX */
	size_t n;
	va_list ap;

	if (!ns_log_on(level) || ns_log_fd < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);

	n = (size_t)snprintf(line, sizeof(line), "{\"level\":\"%s\",\"msg\":\"", log_level_names[level]);
	n += json_escape(line + n, FRAME_MAX - n, msg);
	n += (size_t)snprintf(line + n, sizeof(line) - n, "\",\"src\":\"nsenter\"");
	if (phase != NULL) {
		n += (size_t)snprintf(line + n, sizeof(line) - n, ",\"phase\":\"");
		n += json_escape(line + n, 64, phase);
		line[n++] = '"';
	}
	if (since != 0)
		n += (size_t)snprintf(line + n, sizeof(line) - n, ",\"duration\":%lld", ns_now() - since);
	line[n++] = '}';
	line[n++] = '\n';
	if (write_all(ns_log_fd, line, n) < 0)
		ns_log_level = NS_LOG_OFF;
}
