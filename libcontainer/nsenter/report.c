/* report.c: telling the host what happened, as protocol frames on the sync fd. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
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
	if (ns_send_frame(json, n) < 0)
		dprintf(STDERR_FILENO, "%s\n", msg);
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
