/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A plugin whose callbacks know fewer resources than the object defines:
 * read answers Sensor Value only (-ENOENT for the rest) and returns a
 * String for the Float Min Measured Value (a plugin bug); write and
 * execute know nothing (-ENOENT).
 */
#include "config.h"

#include <errno.h>

#include "test_plugins.h"

static int unknown_read(void *ctx, uint16_t rid, uint16_t riid,
			struct lwb_value *out)
{
	(void)ctx;
	(void)riid;
	if (rid == TP_RID_VALUE) {
		out->v.f = 1.5;
		return 0;
	}
	if (rid == TP_RID_MIN) {
		out->type = LWB_TYPE_STRING;
		out->v.bytes.ptr = "cold";
		out->v.bytes.len = 4;
		return 0;
	}
	return -ENOENT;
}

static int unknown_write(void *ctx, uint16_t rid, uint16_t riid,
			 const struct lwb_value *v)
{
	(void)ctx;
	(void)rid;
	(void)riid;
	(void)v;
	return -ENOENT;
}

static int unknown_execute(void *ctx, uint16_t rid, const char *args,
			   size_t len)
{
	(void)ctx;
	(void)rid;
	(void)args;
	(void)len;
	return -ENOENT;
}

static const struct lwb_instance_ops unknown_ops = {
	.struct_size = sizeof(struct lwb_instance_ops),
	.read = unknown_read,
	.write = unknown_write,
	.execute = unknown_execute,
};

static int unknown_init(struct lwb_host *h, void **state)
{
	int iid = h->api->instance_create(h, TP_OID_TEMP, LWB_ANY_IID,
					  &unknown_ops, NULL);

	*state = NULL;
	return iid < 0 ? iid : 0;
}

LWB_PLUGIN_DEFINE(.name = "unknown", .version = "1.0", .init = unknown_init);
