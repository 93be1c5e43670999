/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Arbitrary bytes as one DDF document.  Whatever loads is walked, so the
 * sanitizers see every field the reader filled in.
 */
#include "config.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "log.h"
#include "schema.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Keeps the walk from being optimised away. */
static volatile size_t sink;

static void quiet(enum log_level level, const char *line, void *ctx)
{
	(void)level, (void)line, (void)ctx;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct schema_registry *reg = schema_registry_new();
	struct schema_error err;
	size_t sum = 0;

	if (!reg)
		return 0;
	log_set_sink(quiet, NULL);
	if (schema_load_buffer(reg, data, size, "fuzz", &err) < 0) {
		/* The message must be a terminated string. */
		sum += strlen(err.msg) + strlen(err.file);
	}
	for (size_t i = 0; i < schema_object_count(reg); i++) {
		const struct schema_object *o = schema_object_at(reg, i);

		sum += strlen(o->name) + strlen(o->urn) + strlen(o->version) +
		       strlen(o->lwm2m_version) + strlen(o->source);
		for (size_t j = 0; j < o->resource_count; j++) {
			const struct schema_resource *r = &o->resources[j];
			struct lwb_value v = {.type = r->type};

			sum += strlen(r->name) + strlen(r->range_text) +
			       strlen(r->units);
			if (schema_find_resource(o, r->id) != r)
				__builtin_trap();
			v.v.u = 7;
			if (r->type == LWB_TYPE_STRING ||
			    r->type == LWB_TYPE_OPAQUE) {
				v.v.bytes.ptr = "abc";
				v.v.bytes.len = 3;
			}
			sum += (size_t)schema_check_value(r, &v);
		}
		if (schema_find(reg, o->id) != o)
			__builtin_trap();
	}
	schema_registry_free(reg);
	sink = sum;
	return 0;
}
