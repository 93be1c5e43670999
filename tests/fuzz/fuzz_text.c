/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Plain text: decode the input as every type; whatever decodes must
 * encode, and the text written must decode to the same value.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "codec_text.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same(const struct lwb_value *a, const struct lwb_value *b)
{
	if (a->type != b->type)
		return 0;
	switch (a->type) {
	case LWB_TYPE_STRING:
	case LWB_TYPE_CORELNK:
	case LWB_TYPE_OPAQUE:
		return a->v.bytes.len == b->v.bytes.len &&
		       (a->v.bytes.len == 0 ||
			memcmp(a->v.bytes.ptr, b->v.bytes.ptr,
			       a->v.bytes.len) == 0);
	case LWB_TYPE_INTEGER:
	case LWB_TYPE_TIME: return a->v.i == b->v.i;
	case LWB_TYPE_UNSIGNED: return a->v.u == b->v.u;
	case LWB_TYPE_FLOAT: return a->v.f == b->v.f;
	case LWB_TYPE_BOOLEAN: return a->v.b == b->v.b;
	case LWB_TYPE_OBJLNK:
		return a->v.lnk.oid == b->v.lnk.oid &&
		       a->v.lnk.iid == b->v.lnk.iid;
	case LWB_TYPE_NONE: break;
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t scap = TEXT_OPAQUE_SCRATCH(size) + 1;
	size_t ocap = size / 3 * 4 + 64;
	uint8_t *s1 = malloc(scap);
	uint8_t *s2 = malloc(scap);
	char *text = malloc(ocap);

	if (!s1 || !s2 || !text)
		abort();
	for (int t = LWB_TYPE_NONE; t <= LWB_TYPE_CORELNK; t++) {
		struct lwb_value v1;
		struct lwb_value v2;
		int n;

		if (text_decode((const char *)data, size, (enum lwb_type)t, &v1,
				s1, scap) != 0)
			continue;
		n = text_encode(&v1, text, ocap);
		if (n < 0)
			abort();
		if (text_decode(text, (size_t)n, (enum lwb_type)t, &v2, s2,
				scap) != 0)
			abort();
		if (!same(&v1, &v2))
			abort();
	}
	free(s1);
	free(s2);
	free(text);
	return 0;
}
