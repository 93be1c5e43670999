/* SPDX-License-Identifier: BSD-3-Clause */
/* A server's "send" group and "mute_send" (LwM2M 1.1 Send, bridge/send.h). */
#include "config.h"

#include <errno.h>
#include <string.h>

#include <libconfig.h>

#include "config_internal.h"

#define SECONDS_MAX 2147483647LL

static const char *const send_keys[] = {
	"paths", "interval", "on_change", "min_interval", "format", NULL,
};

static const char *const format_names[] = {"senml-json", "senml-cbor", NULL};
static const int format_numbers[] = {110, 112};

static int load_paths(struct cfg_ctx *c, const config_setting_t *grp,
		      struct cfg_send *send)
{
	const config_setting_t *list = NULL;
	int r, n;

	r = cfg_get_string_list(c, grp, "paths", "a list of path strings", 1,
				CFG_SEND_PATHS_MAX, false, &list);
	if (r == -ERANGE)
		return cfg_fail(c, list, NULL, "expected 1 to %d paths, got %d",
				CFG_SEND_PATHS_MAX,
				config_setting_length(list));
	if (r < 0)
		return r;
	if (!list)
		return cfg_fail(c, grp, "paths",
				"required key missing (a list of paths, e.g. "
				"[\"/3303/0/5700\"])");
	n = config_setting_length(list);
	for (int i = 0; i < n; i++) {
		const config_setting_t *e = config_setting_get_elem(list, i);
		const char *text = config_setting_get_string(e);
		struct path p;

		if (text[0] != '/' || path_parse(text, strlen(text), &p) < 0 ||
		    p.len == 0)
			return cfg_fail(c, e, NULL,
					"\"%.40s\" is not an LwM2M path "
					"(/object[/instance[/resource[/"
					"instance]]])",
					text);
		if (p.ids[0] == 0)
			return cfg_fail(c, e, NULL,
					"the Security object (/0) is never "
					"reported");
		for (size_t j = 0; j < send->n_paths; j++)
			if (path_equal(&send->paths[j], &p))
				return cfg_fail(c, e, NULL,
						"\"%.40s\" is listed twice",
						text);
		send->paths[send->n_paths++] = p;
	}
	return 0;
}

int cfg_load_send(struct cfg_ctx *c, const config_setting_t *grp,
		  struct cfg_server *s)
{
	config_setting_t *sg = NULL;
	int r, format = 1;

	if ((r = cfg_get_bool(c, grp, "mute_send", &s->mute_send)) < 0 ||
	    (r = cfg_get_group(c, grp, "send", &sg)) < 0)
		return r;
	if (!sg)
		return 0;
	if ((r = cfg_check_keys(c, sg, send_keys)) < 0 ||
	    (r = load_paths(c, sg, &s->send)) < 0 ||
	    (r = cfg_get_u32(c, sg, "interval", 0, SECONDS_MAX,
			     &s->send.interval)) < 0 ||
	    (r = cfg_get_bool(c, sg, "on_change", &s->send.on_change)) < 0 ||
	    (r = cfg_get_u32(c, sg, "min_interval", 1, SECONDS_MAX,
			     &s->send.min_interval)) < 0 ||
	    (r = cfg_get_enum(c, sg, "format", format_names, &format)) < 0)
		return r;
	s->send.format = format_numbers[format];
	if (config_setting_get_member(sg, "min_interval") && !s->send.on_change)
		return cfg_fail(c, sg, "min_interval",
				"only applies with on_change = true");
	if (s->send.interval == 0 && !s->send.on_change)
		return cfg_fail(c, sg, NULL,
				"nothing makes a report: set interval (s) "
				"or on_change = true");
	if (s->lwm2m_version == CFG_LWM2M_1_0)
		return cfg_fail(c, sg, NULL,
				"Send is LwM2M 1.1: it needs lwm2m_version "
				"\"1.1\"");
	return 0;
}
