/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The plugins list: which shared objects to load, under which instance
 * names.  Each entry's "settings" group belongs to its plugin and is not
 * looked into here.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config_internal.h"

static const char *const plugin_keys[] = {
	"plugin", "name", "required", "settings", NULL,
};

void cfg_plugin_clear(struct cfg_plugin *p)
{
	if (!p)
		return;
	free(p->plugin);
	free(p->name);
	memset(p, 0, sizeof(*p));
}

/* Names become file names (plugin + ".so") and log tags: keep them plain. */
static int check_name(struct cfg_ctx *c, const config_setting_t *grp,
		      const char *key, const char *v)
{
	size_t len = strlen(v);

	if (len == 0 || len > CFG_PLUGIN_NAME_MAX)
		return cfg_fail(c, config_setting_get_member(grp, key), NULL,
				"expected 1..%d characters, got %zu",
				CFG_PLUGIN_NAME_MAX, len);
	for (size_t i = 0; i < len; i++)
		if (!isalnum((unsigned char)v[i]) && v[i] != '_' && v[i] != '-')
			return cfg_fail(c, config_setting_get_member(grp, key),
					NULL,
					"expected only letters, digits, _ and "
					"-, got \"%.*s\"",
					CFG_PLUGIN_NAME_MAX, v);
	return 0;
}

static int load_plugin(struct cfg_ctx *c, config_setting_t *grp,
		       struct cfg_plugin *p)
{
	const char *v = NULL;
	int r;

	p->line = config_setting_source_line(grp);
	if (!config_setting_is_group(grp))
		return cfg_fail(c, grp, NULL,
				"expected a group { ... }, got %s",
				cfg_type_name(grp));
	if ((r = cfg_check_keys(c, grp, plugin_keys)) < 0)
		return r;
	if (!config_setting_get_member(grp, "plugin"))
		return cfg_fail(c, grp, "plugin",
				"required key missing (the shared object's "
				"name, e.g. \"sim\" for sim.so)");
	if ((r = cfg_get_string(c, grp, "plugin", false, &v)) < 0 ||
	    (r = check_name(c, grp, "plugin", v)) < 0 ||
	    (r = cfg_set_string(&p->plugin, v)) < 0)
		return r;
	if ((r = cfg_get_string(c, grp, "name", false, &v)) < 0 ||
	    (r = check_name(c, grp,
			    config_setting_get_member(grp, "name") ? "name"
								   : "plugin",
			    v)) < 0 ||
	    (r = cfg_set_string(&p->name, v)) < 0)
		return r;
	if ((r = cfg_get_bool(c, grp, "required", &p->required)) < 0 ||
	    (r = cfg_get_group(c, grp, "settings", &p->settings)) < 0)
		return r;
	return 0;
}

int cfg_load_plugins(struct cfg_ctx *c, const config_setting_t *root,
		     struct bridge_config *cfg)
{
	const config_setting_t *list =
		config_setting_get_member(root, "plugins");
	int count, r;

	if (!list)
		return 0;
	if ((r = cfg_expect_group_list(c, list)) < 0)
		return r;
	count = config_setting_length(list);
	if (count == 0)
		return 0;
	cfg->plugins = calloc((size_t)count, sizeof(*cfg->plugins));
	if (!cfg->plugins)
		return -ENOMEM;
	/* cfg_free clears every entry, also a half-filled failed one. */
	for (int n = 0; n < count; n++) {
		config_setting_t *grp = config_setting_get_elem(list, n);
		struct cfg_plugin *p = &cfg->plugins[n];

		cfg->n_plugins = (size_t)n + 1;
		if ((r = load_plugin(c, grp, p)) < 0)
			return r;
		for (int i = 0; i < n; i++) {
			const config_setting_t *name;

			if (strcmp(cfg->plugins[i].name, p->name) != 0)
				continue;
			name = config_setting_get_member(grp, "name");
			return cfg_fail(
				c, name ? name : grp, name ? NULL : "name",
				"duplicate instance name \"%s\" (also "
				"used by plugins.[%d] at line %u); give "
				"each instance its own name",
				p->name, i, cfg->plugins[i].line);
		}
	}
	return 0;
}
