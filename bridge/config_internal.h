/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by the configuration loader's files only: the error context, typed
 * getters that check types and ranges, and the unknown-key check.
 *
 * Every getter looks up one member of a group.  An absent member leaves
 * *out untouched (the caller put the default there) and returns 0; a
 * present one is checked and stored.  On a wrong value the getter records
 * the error in the context and returns -EINVAL; the loader stops at the
 * first error, so only the first one is ever recorded.
 */
#ifndef BRIDGE_CONFIG_INTERNAL_H
#define BRIDGE_CONFIG_INTERNAL_H

#include <libconfig.h>
#include <stdbool.h>
#include <stdint.h>

#include "cfg.h"

struct cfg_ctx {
	const char *name;      /* file name for messages */
	struct cfg_error *err; /* never NULL inside the loader */
};

/* Records "name:line: key: message" where key is the path of s, followed
 * by ".member" when member is not NULL (a missing key of group s), and line
 * is s's line.  Returns -EINVAL. */
__attribute__((format(printf, 4, 5))) int cfg_fail(struct cfg_ctx *c,
						   const config_setting_t *s,
						   const char *member,
						   const char *fmt, ...);

/* Records "name:line: message" (line 0: "name: message").  -EINVAL. */
__attribute__((format(printf, 3, 4))) int
cfg_fail_line(struct cfg_ctx *c, unsigned line, const char *fmt, ...);

/* "an integer", "a string", "a group", ... for "got ..." messages. */
const char *cfg_type_name(const config_setting_t *s);

/* 0 if list is a list of groups (or the empty array "[]", which libconfig
 * cannot tell from an empty list); else the error, as cfg_fail. */
int cfg_expect_group_list(struct cfg_ctx *c, const config_setting_t *list);

/* Fails on the first member of group whose name is not in known (a NULL
 * terminated list), suggesting the closest known name. */
int cfg_check_keys(struct cfg_ctx *c, const config_setting_t *group,
		   const char *const *known);

/* Member name of group if present and a group; error if another type. */
int cfg_get_group(struct cfg_ctx *c, const config_setting_t *group,
		  const char *name, config_setting_t **out);

int cfg_get_int(struct cfg_ctx *c, const config_setting_t *group,
		const char *name, long long min, long long max, long long *out);
/* cfg_get_int for uint32_t results (min >= 0, max <= UINT32_MAX). */
int cfg_get_u32(struct cfg_ctx *c, const config_setting_t *group,
		const char *name, long long min, long long max, uint32_t *out);
int cfg_get_bool(struct cfg_ctx *c, const config_setting_t *group,
		 const char *name, bool *out);

/* A string; *out points into the parsed file.  With nonempty, "" fails. */
int cfg_get_string(struct cfg_ctx *c, const config_setting_t *group,
		   const char *name, bool nonempty, const char **out);
/* Member name of group as a list or array of strings ("[ ]" or "( )").
 * Not one: "expected <shape>, got <type>" (shape: "a list of ...").  A
 * length outside min..max returns -ERANGE and records nothing, *out set:
 * the caller words that error itself.  Then each element in order: "expected
 * a string, got <type>", and with nonempty "expected a non-empty string,
 * got \"\"".  *out = the list; config_setting_get_string_elem() reads its
 * strings, which live as long as the parsed file. */
int cfg_get_string_list(struct cfg_ctx *c, const config_setting_t *group,
			const char *name, const char *shape, int min, int max,
			bool nonempty, const config_setting_t **out);
/* cfg_get_string, then replaces *dst by a copy (-ENOMEM possible). */
int cfg_take_string(struct cfg_ctx *c, const config_setting_t *group,
		    const char *name, bool nonempty, char **dst);

/* A string that must be one of names (NULL terminated); *out = its index. */
int cfg_get_enum(struct cfg_ctx *c, const config_setting_t *group,
		 const char *name, const char *const *names, int *out);

/* Replaces *dst by a copy of src.  0 or -ENOMEM (then *dst is unchanged). */
int cfg_set_string(char **dst, const char *src);

/* Rejects what libconfig 1.5 would accept wrongly: integers it would
 * truncate and @include directives.  Line numbers match libconfig's. */
int cfg_prescan(struct cfg_ctx *c, const char *text);

/* config_servers.c: the servers list (absent: keep cfg's defaults). */
int cfg_load_servers(struct cfg_ctx *c, const config_setting_t *root,
		     struct bridge_config *cfg);
/* config_uri.c: fills s->scheme, s->host (allocated) and s->port from
 * uri.  0; -EINVAL with the reason in why; -ENOMEM. */
int cfg_parse_uri(const char *uri, struct cfg_server *s, char *why,
		  size_t why_size);
/* The built-in server (coap://127.0.0.1:5683, nosec).  0 or -ENOMEM. */
int cfg_server_default(struct cfg_server *s);
void cfg_server_clear(struct cfg_server *s);
/* config_send.c: the "send" group and "mute_send" of server s (whose
 * lwm2m_version is already set). */
int cfg_load_send(struct cfg_ctx *c, const config_setting_t *grp,
		  struct cfg_server *s);

/* config_plugins.c: the plugins list. */
int cfg_load_plugins(struct cfg_ctx *c, const config_setting_t *root,
		     struct bridge_config *cfg);
void cfg_plugin_clear(struct cfg_plugin *p);

#endif
