/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Logging with syslog levels to stderr.  Under systemd (JOURNAL_STREAM set)
 * lines carry the "<N>" prefix journald reads as the priority; otherwise
 * they read "lwm2m-bridge: warning: text".  A tag (a module or a plugin
 * instance name) goes in brackets before the text.  Never log secrets.
 *
 * Not thread-safe with respect to log_set_*; log_msg itself may be called
 * from any thread (one write(2) per line).
 */
#ifndef BRIDGE_LOG_H
#define BRIDGE_LOG_H

#include <stdarg.h>
#include <stddef.h>

enum log_level {
	LOG_LVL_ERR = 3,
	LOG_LVL_WARNING = 4,
	LOG_LVL_NOTICE = 5,
	LOG_LVL_INFO = 6,
	LOG_LVL_DEBUG = 7,
};

/* Receives each formatted line (without newline) instead of stderr. */
typedef void (*log_sink_fn)(enum log_level level, const char *line, void *ctx);

/* Lines above level are dropped.  Default LOG_LVL_INFO. */
void log_set_level(enum log_level level);
enum log_level log_get_level(void);

/* "err", "warning", "notice", "info", "debug" -> 0 and *out; -EINVAL
 * otherwise. */
int log_level_parse(const char *name, enum log_level *out);

/* Redirects lines to sink (NULL restores stderr).  For tests. */
void log_set_sink(log_sink_fn sink, void *ctx);

__attribute__((format(printf, 3, 4)))
void log_msg(enum log_level level, const char *tag, const char *fmt, ...);
__attribute__((format(printf, 3, 0)))
void log_vmsg(enum log_level level, const char *tag, const char *fmt,
	      va_list ap);

/* log_warn and log_err append ": strerror(errno)"; the x forms do not. */
#define log_err(...) log_errno_msg(LOG_LVL_ERR, NULL, __VA_ARGS__)
#define log_errx(...) log_msg(LOG_LVL_ERR, NULL, __VA_ARGS__)
#define log_warn(...) log_errno_msg(LOG_LVL_WARNING, NULL, __VA_ARGS__)
#define log_warnx(...) log_msg(LOG_LVL_WARNING, NULL, __VA_ARGS__)
#define log_notice(...) log_msg(LOG_LVL_NOTICE, NULL, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, NULL, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, NULL, __VA_ARGS__)

__attribute__((format(printf, 3, 4)))
void log_errno_msg(enum log_level level, const char *tag, const char *fmt,
		   ...);

#endif
