/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "dump.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "codec_text.h"
#include "core_objects.h"

/* Long values are cut for the table; the full value is a Read away. */
#define VALUE_COLUMN_MAX 40

struct dump_ctx {
	FILE *out;
	const struct schema_object *def;
	int rows;
};

static void format_value(const struct record *rec, char *buf, size_t cap)
{
	const struct lwb_value *v = &rec->value;
	int n;

	if (core_resource_is_secret(&rec->path)) {
		snprintf(buf, cap, v->v.bytes.len ? "(secret, %zu bytes)" :
						    "(empty)",
			 v->v.bytes.len);
		return;
	}
	if (v->type == LWB_TYPE_OPAQUE) {
		size_t len = v->v.bytes.len, off = 0;
		const unsigned char *p = v->v.bytes.ptr;

		if (len == 0) {
			snprintf(buf, cap, "(empty)");
			return;
		}
		for (size_t i = 0; i < len && off + 3 < cap && i < 16; i++)
			off += (size_t)snprintf(buf + off, cap - off, "%02x",
						p[i]);
		if (len > 16)
			snprintf(buf + off, cap - off, "... (%zu bytes)", len);
		return;
	}
	if (v->type == LWB_TYPE_BOOLEAN) {
		snprintf(buf, cap, "%s", v->v.b ? "true" : "false");
		return;
	}
	n = text_encode(v, buf, cap - 1);
	if (n < 0) {
		/* Too long for the column: show its head. */
		if (v->type == LWB_TYPE_STRING || v->type == LWB_TYPE_CORELNK) {
			snprintf(buf, cap, "%.*s...", (int)(cap - 4),
				 (const char *)v->v.bytes.ptr);
			return;
		}
		snprintf(buf, cap, "?");
		return;
	}
	buf[n] = '\0';
	if (v->type == LWB_TYPE_STRING)
		for (char *c = buf; *c; c++)
			if ((unsigned char)*c < 0x20)
				*c = ' '; /* keep one row per value */
}

static int dump_record(const struct record *rec, void *arg)
{
	struct dump_ctx *ctx = arg;
	const struct schema_resource *res =
		schema_find_resource(ctx->def, rec->path.ids[2]);
	char path[PATH_STR_MAX], value[VALUE_COLUMN_MAX + 1];

	path_format(&rec->path, path, sizeof(path));
	format_value(rec, value, sizeof(value));
	if (res && res->units[0])
		fprintf(ctx->out, "  %-12s %-36.36s %-*s %s\n", path,
			res->name, VALUE_COLUMN_MAX, value, res->units);
	else
		fprintf(ctx->out, "  %-12s %-36.36s %s\n", path,
			res ? res->name : "?", value);
	ctx->rows++;
	return 0;
}

static void dump_failed(struct dump_ctx *ctx, const struct path *p,
			const struct schema_resource *res, int rc)
{
	char path[PATH_STR_MAX], value[VALUE_COLUMN_MAX + 1];

	path_format(p, path, sizeof(path));
	snprintf(value, sizeof(value), "(read failed: %s)", strerror(-rc));
	fprintf(ctx->out, "  %-12s %-36.36s %s\n", path, res->name, value);
	ctx->rows++;
}

/* An instance whose plugin reads its values itself: every readable
 * resource is read through it, in id order (the order of model_collect).
 * Resources the plugin does not have (-ENOENT) are left out; a failed
 * read is a row of its own (object_access has logged it). */
static void dump_plugin_instance(struct dump_ctx *ctx, struct object_access *oa,
				 uint16_t oid, uint16_t iid)
{
	for (size_t i = 0; i < ctx->def->resource_count; i++) {
		const struct schema_resource *res = &ctx->def->resources[i];
		struct path p = path_resource(oid, iid, res->id);
		struct record rec = { .path = p };
		int rc;

		if (!(res->ops & SCHEMA_OP_READ) ||
		    (res->ops & SCHEMA_OP_EXEC) || res->type == LWB_TYPE_NONE)
			continue;
		if (res->multiple)
			rc = oa_read_collect(oa, &p, dump_record, ctx);
		else if ((rc = oa_read(oa, &p, &rec.value)) == 0)
			dump_record(&rec, ctx);
		if (rc < 0 && rc != -ENOENT)
			dump_failed(ctx, &p, res, rc);
	}
}

int dump_model(FILE *out, struct object_access *oa)
{
	struct dump_ctx ctx = { .out = out };
	const struct model *m = oa_model(oa);
	const struct schema_registry *reg = model_schema(m);

	fprintf(out, "  %-12s %-36s %-*s %s\n", "PATH", "NAME",
		VALUE_COLUMN_MAX, "VALUE", "UNIT");
	for (int oid = model_object_next(m, -1); oid >= 0;
	     oid = model_object_next(m, oid)) {
		struct path p = path_object((uint16_t)oid);

		ctx.def = schema_find(reg, (uint16_t)oid);
		if (!ctx.def)
			continue;
		fprintf(out, "\n/%d %s (object version %s, %zu instance%s)\n",
			oid, ctx.def->name, ctx.def->version,
			model_instance_count(m, (uint16_t)oid),
			model_instance_count(m, (uint16_t)oid) == 1 ? "" : "s");
		for (int iid = model_instance_next(m, (uint16_t)oid, -1);
		     iid >= 0;
		     iid = model_instance_next(m, (uint16_t)oid, iid)) {
			const struct oa_handler *h =
				oa_handler(oa, (uint16_t)oid, (uint16_t)iid);

			p = path_instance((uint16_t)oid, (uint16_t)iid);
			if (h && h->ops.read)
				dump_plugin_instance(&ctx, oa, (uint16_t)oid,
						     (uint16_t)iid);
			else
				model_collect(m, &p, dump_record, &ctx);
		}
	}
	if (fflush(out) != 0 || ferror(out))
		return -EIO;
	return ctx.rows;
}
