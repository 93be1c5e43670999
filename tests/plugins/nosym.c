/* SPDX-License-Identifier: BSD-3-Clause */
/* A shared object without the lwb_plugin descriptor: refused. */
#include "config.h"

#include "lwm2m-bridge/plugin.h"

LWB_EXPORT int nosym_marker(void);
LWB_EXPORT int nosym_marker(void)
{
	return 42;
}
