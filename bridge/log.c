/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "log.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static enum log_level max_level = LOG_LVL_INFO;
static log_sink_fn sink_fn;
static void *sink_ctx;

static const char *const level_names[] = {
	[LOG_LVL_ERR] = "err",	     [LOG_LVL_WARNING] = "warning",
	[LOG_LVL_NOTICE] = "notice", [LOG_LVL_INFO] = "info",
	[LOG_LVL_DEBUG] = "debug",
};

void log_set_level(enum log_level level)
{
	max_level = level;
}

enum log_level log_get_level(void)
{
	return max_level;
}

int log_level_parse(const char *name, enum log_level *out)
{
	for (int l = LOG_LVL_ERR; l <= LOG_LVL_DEBUG; l++) {
		if (strcmp(name, level_names[l]) == 0) {
			*out = (enum log_level)l;
			return 0;
		}
	}
	return -EINVAL;
}

void log_set_sink(log_sink_fn sink, void *ctx)
{
	sink_fn = sink;
	sink_ctx = ctx;
}

static bool under_journald(void)
{
	static int cached = -1;

	if (cached < 0)
		cached = getenv("JOURNAL_STREAM") != NULL;
	return cached;
}

/* One line per message, always: a newline or escape sequence inside a
 * value (a server-written string a plugin logs) must not forge a second
 * line, or a journald priority prefix. */
static void sanitize(char *text)
{
	for (unsigned char *c = (unsigned char *)text; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			*c = '?';
}

static void emit(enum log_level level, const char *tag, const char *text,
		 const char *err)
{
	char line[1024];
	int n;

	if (under_journald() && !sink_fn)
		n = snprintf(line, sizeof(line), "<%d>%s%s%s%s%s%s", (int)level,
			     tag ? "[" : "", tag ? tag : "", tag ? "] " : "",
			     text, err ? ": " : "", err ? err : "");
	else
		n = snprintf(line, sizeof(line), "%s%s: %s%s%s%s%s%s",
			     sink_fn ? "" : "lwm2m-bridge: ",
			     level_names[level], tag ? "[" : "",
			     tag ? tag : "", tag ? "] " : "", text,
			     err ? ": " : "", err ? err : "");
	if (n < 0)
		return;
	if ((size_t)n >= sizeof(line) - 1)
		n = (int)sizeof(line) - 2; /* truncated, still one line */
	if (sink_fn) {
		line[n] = '\0';
		sink_fn(level, line, sink_ctx);
		return;
	}
	line[n] = '\n';
	/* One write per line so concurrent writers never interleave within
	 * a line; a failed write to stderr has nowhere to be reported. */
	ssize_t w = write(STDERR_FILENO, line, (size_t)n + 1);
	(void)w;
}

void log_vmsg(enum log_level level, const char *tag, const char *fmt,
	      va_list ap)
{
	char text[896];

	if (level > max_level || level < LOG_LVL_ERR)
		return;
	vsnprintf(text, sizeof(text), fmt, ap);
	sanitize(text);
	emit(level, tag, text, NULL);
}

void log_msg(enum log_level level, const char *tag, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vmsg(level, tag, fmt, ap);
	va_end(ap);
}

void log_errno_msg(enum log_level level, const char *tag, const char *fmt,
		   ...)
{
	char text[896];
	char errbuf[128];
	int saved = errno;
	va_list ap;

	if (level > max_level || level < LOG_LVL_ERR)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	sanitize(text);
	/* The GNU strerror_r may return a static string instead of filling
	 * errbuf; use whichever pointer it gives. */
	const char *msg = strerror_r(saved, errbuf, sizeof(errbuf));
	emit(level, tag, text, msg);
	errno = saved;
}
