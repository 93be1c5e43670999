/* SPDX-License-Identifier: BSD-3-Clause */
/* A descriptor whose struct_size stops before init and fini: too small
 * for what the daemon reads, so it must be refused unread. */
#include "config.h"

#include <stddef.h>

#include "lwm2m-bridge/plugin.h"

LWB_EXPORT extern const struct lwb_plugin lwb_plugin;
LWB_EXPORT const struct lwb_plugin lwb_plugin = {
	.abi_major = LWB_ABI_MAJOR,
	.abi_minor = LWB_ABI_MINOR,
	.struct_size = offsetof(struct lwb_plugin, init),
	.name = "small",
	.version = "0.1",
};
