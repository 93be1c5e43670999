/* SPDX-License-Identifier: BSD-3-Clause */
/* A plugin whose hardware has gone away: every callback fails with an
 * I/O error (read, write: -EIO; execute: -ETIMEDOUT). */
#include "config.h"

#include <errno.h>

#include "test_plugins.h"

static int readerr_read(void *ctx, uint16_t rid, uint16_t riid,
			struct lwb_value *out)
{
	(void)ctx;
	(void)rid;
	(void)riid;
	(void)out;
	return -EIO;
}

static int readerr_write(void *ctx, uint16_t rid, uint16_t riid,
			 const struct lwb_value *v)
{
	(void)ctx;
	(void)rid;
	(void)riid;
	(void)v;
	return -EIO;
}

static int readerr_execute(void *ctx, uint16_t rid, const char *args,
			   size_t len)
{
	(void)ctx;
	(void)rid;
	(void)args;
	(void)len;
	return -ETIMEDOUT;
}

static const struct lwb_instance_ops readerr_ops = {
	.struct_size = sizeof(struct lwb_instance_ops),
	.read = readerr_read,
	.write = readerr_write,
	.execute = readerr_execute,
};

static int readerr_init(struct lwb_host *h, void **state)
{
	int iid = h->api->instance_create(h, TP_OID_TEMP, LWB_ANY_IID,
					  &readerr_ops, NULL);

	if (iid < 0)
		return iid;
	/* A value from before the failure: reads must not fall back on it. */
	lwb_publish_float(h, TP_OID_TEMP, (uint16_t)iid, TP_RID_VALUE, 20.0);
	*state = NULL;
	return 0;
}

LWB_PLUGIN_DEFINE(.name = "readerr", .version = "1.0", .init = readerr_init);
