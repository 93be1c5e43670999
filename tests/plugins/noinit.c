/* SPDX-License-Identifier: BSD-3-Clause */
/* A descriptor without an init function: refused. */
#include "config.h"

#include "lwm2m-bridge/plugin.h"

LWB_PLUGIN_DEFINE(.name = "noinit", .version = "1");
