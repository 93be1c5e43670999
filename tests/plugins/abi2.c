/* SPDX-License-Identifier: BSD-3-Clause */
/* A plugin built for a future ABI major: the daemon must refuse it. */
#include "config.h"

#include "lwm2m-bridge/plugin.h"

static int abi2_init(struct lwb_host *h, void **state)
{
	(void)h;
	(void)state;
	return 0;
}

LWB_EXPORT extern const struct lwb_plugin lwb_plugin;
LWB_EXPORT const struct lwb_plugin lwb_plugin = {
	.abi_major = 2,
	.abi_minor = 0,
	.struct_size = sizeof(struct lwb_plugin),
	.name = "abi2",
	.version = "2.0.0",
	.init = abi2_init,
};
