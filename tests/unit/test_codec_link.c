/* SPDX-License-Identifier: BSD-3-Clause */
/* CoRE link format (Content-Format 40): writer and parser. */
#include "config.h"

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "codec_link.h"
#include "record.h"

/* ---- parser helpers ----------------------------------------------------- */

#define MAX_LINKS 16

struct seen_attr {
	char name[32];
	char value[64]; /* unescaped */
	bool has_value;
	bool quoted;
};

struct seen {
	size_t n;
	size_t calls;
	int fail_at;
	char uri[MAX_LINKS][64];
	size_t nattrs[MAX_LINKS];
	struct seen_attr attrs[MAX_LINKS][LINK_MAX_ATTRS];
};

static int on_link(const struct link *l, void *ctx)
{
	struct seen *s = ctx;
	size_t i = s->n;

	s->calls++;
	if (s->fail_at > 0 && s->calls == (size_t)s->fail_at)
		return -ECANCELED;
	if (i >= MAX_LINKS)
		return 0;
	assert_true(l->uri_len < sizeof(s->uri[i]));
	memcpy(s->uri[i], l->uri, l->uri_len);
	s->uri[i][l->uri_len] = '\0';
	s->nattrs[i] = l->nattrs;
	for (size_t k = 0; k < l->nattrs; k++) {
		const struct link_attr *a = &l->attrs[k];
		struct seen_attr *d = &s->attrs[i][k];

		assert_true(a->name_len < sizeof(d->name));
		memcpy(d->name, a->name, a->name_len);
		d->name[a->name_len] = '\0';
		d->has_value = a->value != NULL;
		d->quoted = a->quoted;
		if (a->value)
			assert_true(link_attr_unescape(a, d->value,
						       sizeof(d->value)) >= 0);
		else
			assert_int_equal(link_attr_unescape(a, d->value,
							    sizeof(d->value)),
					 -ENOENT);
		/* link_find_attr finds the first of that name. */
		assert_non_null(link_find_attr(l, d->name));
	}
	assert_null(link_find_attr(l, "no-such-attribute"));
	s->n++;
	return 0;
}

static int parse(const char *text, struct seen *s)
{
	memset(s, 0, sizeof(*s));
	return link_parse(text, strlen(text), on_link, s);
}

static void assert_attr(const struct seen *s, size_t link, size_t k,
			const char *name, const char *value, bool quoted)
{
	const struct seen_attr *a = &s->attrs[link][k];

	assert_string_equal(a->name, name);
	if (!value) {
		assert_false(a->has_value);
		return;
	}
	assert_true(a->has_value);
	assert_string_equal(a->value, value);
	assert_int_equal(a->quoted, quoted);
}

/* ---- writer ------------------------------------------------------------ */

/* The Register payload of LwM2M 1.1 Core 6.2.1 style: the root link with
 * rt and ct, object instances, and an object with its version. */
static void test_write_register_payload(void **state)
{
	static const char want[] =
		"</>;rt=\"oma.lwm2m\";ct=11543,</1/0>,</3/0>,</3303>;ver=1.1,"
		"</3303/0>";
	struct link_writer w;
	char buf[128];
	struct path root = path_root();
	struct path p;

	(void)state;
	link_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(link_put_path(&w, &root), 0);
	assert_int_equal(link_put_string(&w, "rt", "oma.lwm2m", 9), 0);
	assert_int_equal(link_put_uint(&w, "ct", 11543), 0);
	p = path_instance(1, 0);
	assert_int_equal(link_put_path(&w, &p), 0);
	p = path_instance(3, 0);
	assert_int_equal(link_put_path(&w, &p), 0);
	p = path_object(3303);
	assert_int_equal(link_put_path(&w, &p), 0);
	assert_int_equal(link_put_token(&w, "ver", "1.1", 3), 0);
	p = path_instance(3303, 0);
	assert_int_equal(link_put_path(&w, &p), 0);
	assert_int_equal(link_writer_finish(&w), (int)strlen(want));
	assert_string_equal(buf, want);
}

/* A Discover answer (LwM2M 1.1 Core 5.4.2 style): attributes with
 * integer, float and negative values, a flag, and dim. */
static void test_write_discover(void **state)
{
	static const char want[] =
		"</3/0>;pmin=10;gt=2.5;lt=-1,</3/0/1>,</3/0/7>;dim=3;obs,"
		"<x>;title=\"a \\\"b\\\" \\\\c\"";
	struct link_writer w;
	char buf[128];
	struct path p = path_instance(3, 0);

	(void)state;
	link_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(link_put_path(&w, &p), 0);
	assert_int_equal(link_put_int(&w, "pmin", 10), 0);
	assert_int_equal(link_put_double(&w, "gt", 2.5), 0);
	assert_int_equal(link_put_int(&w, "lt", -1), 0);
	p = path_resource(3, 0, 1);
	assert_int_equal(link_put_path(&w, &p), 0);
	p = path_resource(3, 0, 7);
	assert_int_equal(link_put_path(&w, &p), 0);
	assert_int_equal(link_put_uint(&w, "dim", 3), 0);
	assert_int_equal(link_put_flag(&w, "obs"), 0);
	assert_int_equal(link_put_uri(&w, "x", 1), 0);
	assert_int_equal(link_put_string(&w, "title", "a \"b\" \\c", 8), 0);
	assert_int_equal(link_writer_finish(&w), (int)strlen(want));
	assert_string_equal(buf, want);
}

/* Pre-formatted attributes (attrs_format's output) go in as they are;
 * anything that is not ";name[=ptoken]" pieces is refused whole. */
static void test_write_attr_text(void **state)
{
	static const char *const bad[] = {"pmin=1", ";",	";=1",
					  ";pmin=", ";pmin=1;", ";a b",
					  ";a=1,2", ";t=\"x\"", ";pmin=1 "};
	struct link_writer w;
	char buf[64];
	struct path p = path_resource(3, 0, 6);

	(void)state;
	link_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(link_put_attr_text(&w, ";pmin=1", 7), -EINVAL);
	link_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(link_put_path(&w, &p), 0);
	assert_int_equal(link_put_uint(&w, "dim", 2), 0);
	assert_int_equal(link_put_attr_text(&w, "", 0), 0);
	assert_int_equal(link_put_attr_text(&w, ";pmin=10;gt=-2.5;obs", 20), 0);
	assert_int_equal(link_writer_finish(&w), 34);
	assert_string_equal(buf, "</3/0/6>;dim=2;pmin=10;gt=-2.5;obs");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		link_writer_init(&w, buf, sizeof(buf));
		assert_int_equal(link_put_path(&w, &p), 0);
		assert_int_equal(link_put_attr_text(&w, bad[i], strlen(bad[i])),
				 -EINVAL);
		assert_string_equal(buf, "</3/0/6>");
	}
	/* Too long for the buffer: nothing of it is written. */
	link_writer_init(&w, buf, 12);
	assert_int_equal(link_put_path(&w, &p), 0);
	assert_int_equal(link_put_attr_text(&w, ";pmin=10", 8), -ENOBUFS);
	assert_string_equal(buf, "</3/0/6>");
}

static void test_write_nobufs(void **state)
{
	struct link_writer w;
	char buf[16];
	struct path p = path_instance(3, 0);

	(void)state;
	/* "</3/0>" is 6 bytes: needs 7 with the NUL. */
	link_writer_init(&w, buf, 7);
	assert_int_equal(link_put_path(&w, &p), 0);
	assert_int_equal(link_writer_finish(&w), 6);
	link_writer_init(&w, buf, 6);
	assert_int_equal(link_put_path(&w, &p), -ENOBUFS);
	assert_string_equal(buf, ""); /* nothing half-written */
	/* The error sticks: later pieces that would fit are not written. */
	assert_int_equal(link_put_uri(&w, "a", 1), -ENOBUFS);
	assert_int_equal(link_writer_finish(&w), -ENOBUFS);
	assert_string_equal(buf, "");
	/* A failing attribute leaves the links before it intact. */
	link_writer_init(&w, buf, 12);
	assert_int_equal(link_put_path(&w, &p), 0);
	assert_int_equal(link_put_int(&w, "pmin", 10), -ENOBUFS);
	assert_string_equal(buf, "</3/0>");
	assert_int_equal(link_writer_finish(&w), -ENOBUFS);
	/* No buffer at all. */
	link_writer_init(&w, NULL, 0);
	assert_int_equal(link_put_uri(&w, "a", 1), -ENOBUFS);
}

static void test_write_invalid(void **state)
{
	struct link_writer w;
	char buf[64];

	(void)state;
	link_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(link_put_flag(&w, "obs"), -EINVAL); /* no link yet */
	assert_int_equal(link_writer_finish(&w), -EINVAL);

	static const char *const bad_uris[] = {"a b", "a>b",  "<",
					       "\"",  "a\nb", "\x7f"};
	for (size_t i = 0; i < sizeof(bad_uris) / sizeof(bad_uris[0]); i++) {
		link_writer_init(&w, buf, sizeof(buf));
		assert_int_equal(
			link_put_uri(&w, bad_uris[i], strlen(bad_uris[i])),
			-EINVAL);
	}
	static const char *const bad_names[] = {"",    "a b", "a=b", "a;b",
						"a,b", "a\"", "%41"};
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(bad_names[0]); i++) {
		link_writer_init(&w, buf, sizeof(buf));
		assert_int_equal(link_put_uri(&w, "/1", 2), 0);
		assert_int_equal(link_put_flag(&w, bad_names[i]), -EINVAL);
		assert_string_equal(buf, "</1>");
		/* Sticky: a good call afterwards returns the same error. */
		assert_int_equal(link_put_flag(&w, "ok"), -EINVAL);
	}
	static const char *const bad_tokens[] = {"",	"a b",	 "a,b",
						 "a;b", "\"x\"", "a\\b"};
	for (size_t i = 0; i < sizeof(bad_tokens) / sizeof(bad_tokens[0]);
	     i++) {
		link_writer_init(&w, buf, sizeof(buf));
		assert_int_equal(link_put_uri(&w, "/1", 2), 0);
		assert_int_equal(link_put_token(&w, "ver", bad_tokens[i],
						strlen(bad_tokens[i])),
				 -EINVAL);
	}
	link_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(link_put_uri(&w, "/1", 2), 0);
	assert_int_equal(link_put_string(&w, "t", "a\nb", 3), -EINVAL);
	assert_string_equal(buf, "</1>");
	link_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(link_put_uri(&w, "/1", 2), 0);
	assert_int_equal(link_put_double(&w, "gt", NAN), -EINVAL);
	assert_int_equal(link_writer_finish(&w), -EINVAL);
	link_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(link_put_uri(&w, "/1", 2), 0);
	assert_int_equal(link_put_double(&w, "gt", INFINITY), -EINVAL);
}

/* ---- parser ------------------------------------------------------------ */

static void test_parse_register_payload(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(parse("</>;rt=\"oma.lwm2m\";ct=11543,</1/0>,</3/0>,"
			       "</3303>;ver=1.1,</3303/0>",
			       &s),
			 5);
	assert_string_equal(s.uri[0], "/");
	assert_int_equal(s.nattrs[0], 2);
	assert_attr(&s, 0, 0, "rt", "oma.lwm2m", true);
	assert_attr(&s, 0, 1, "ct", "11543", false);
	assert_string_equal(s.uri[1], "/1/0");
	assert_int_equal(s.nattrs[1], 0);
	assert_string_equal(s.uri[2], "/3/0");
	assert_string_equal(s.uri[3], "/3303");
	assert_int_equal(s.nattrs[3], 1);
	assert_attr(&s, 3, 0, "ver", "1.1", false);
	assert_string_equal(s.uri[4], "/3303/0");
}

static void test_parse_discover(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(parse("</3/0>;pmin=10;gt=-2.5e3,</3/0/1>,"
			       "</3/0/7>;dim=3;obs,</3/0/8>;ct=\"60 110\"",
			       &s),
			 4);
	assert_attr(&s, 0, 0, "pmin", "10", false);
	assert_attr(&s, 0, 1, "gt", "-2.5e3", false);
	assert_int_equal(s.nattrs[2], 2);
	assert_attr(&s, 2, 0, "dim", "3", false);
	assert_attr(&s, 2, 1, "obs", NULL, false);
	assert_attr(&s, 3, 0, "ct", "60 110", true);
}

static void test_parse_quotes(void **state)
{
	struct seen s;
	const char text[] = "</a>;t=\"x\\\"y\\\\z\";u=\"a,b;c\";v=\"\"";
	struct link_attr a;

	(void)state;
	assert_int_equal(parse(text, &s), 1);
	assert_int_equal(s.nattrs[0], 3);
	assert_attr(&s, 0, 0, "t", "x\"y\\z", true);
	assert_attr(&s, 0, 1, "u", "a,b;c", true); /* no split inside */
	assert_attr(&s, 0, 2, "v", "", true);
	/* The raw value keeps its escapes; unescape needs room for a NUL. */
	a = (struct link_attr){.name = "t",
			       .name_len = 1,
			       .value = "x\\\"y",
			       .value_len = 4,
			       .quoted = true,
			       .escaped = true};
	{
		char out[4];

		assert_int_equal(link_attr_unescape(&a, out, 4), 3);
		assert_string_equal(out, "x\"y");
		assert_int_equal(link_attr_unescape(&a, out, 3), -ENOBUFS);
		assert_int_equal(link_attr_unescape(&a, out, 0), -ENOBUFS);
	}
}

static void test_parse_whitespace(void **state)
{
	struct seen s;

	(void)state;
	assert_int_equal(parse(" </1/0> ,\r\n\t</3/0>;ver=1.0 , </4/0>\n", &s),
			 3);
	assert_string_equal(s.uri[0], "/1/0");
	assert_string_equal(s.uri[1], "/3/0");
	assert_attr(&s, 1, 0, "ver", "1.0", false);
	assert_string_equal(s.uri[2], "/4/0");
	assert_int_equal(parse("", &s), 0);
	assert_int_equal(parse(" \n ", &s), 0);
	assert_int_equal(s.calls, 0);
	/* Only a checking pass without a callback. */
	assert_int_equal(link_parse("</1>,</2>", 9, NULL, NULL), 2);
}

static void test_parse_malformed(void **state)
{
	static const char *const bad[] = {
		"</1>,",
		",</1>",
		"</1>,,</2>",
		"</1",
		"/1>",
		"</1>;",
		"</1>;=3",
		"</1>;a=",
		"</1>;a=\"x",
		"</1> </2>",
		"</1>;a=b c",
		"</1>x",
		"</1 2>",
		"</1>;a=\"\\",
		"</1>;a=\"\n\"",
		"</1>;a b",
		"</1> ;a=1",
		"</1>; a=1",
		"</1>;a =1",
		"</1>;a= 1",
		"<</1>>",
		"</1>;a=b,c",
		"</1>;a=\"x\"y",
		"\"</1>\"",
		"</1>;a=\"\x01\"",
		"</1>\x01",
		"x",
		";a",
	};
	struct seen s;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(parse(bad[i], &s), -EBADMSG);
		assert_int_equal(s.calls, 0);
	}
	/* A good list whose last link is broken: checked before any
	 * callback, so no link at all is reported. */
	assert_int_equal(parse("</1/0>,</3/0>,</4/0", &s), -EBADMSG);
	assert_int_equal(s.calls, 0);
	/* The length counts, not a NUL. */
	assert_int_equal(link_parse("</1>,</2>", 8, NULL, NULL), -EBADMSG);
	assert_int_equal(link_parse("</1>,</2>", 4, NULL, NULL), 1);
}

static void test_parse_bounds(void **state)
{
	char text[16 + LINK_MAX_ATTRS * 4 + 8];
	size_t o = 0;
	struct seen s;
	char *big;
	size_t nlinks = CODEC_MAX_RECORDS + 1;

	(void)state;
	o += (size_t)sprintf(text, "</1>");
	for (int i = 0; i < LINK_MAX_ATTRS; i++)
		o += (size_t)sprintf(text + o, ";a%d", i % 10);
	assert_int_equal(parse(text, &s), 1);
	assert_int_equal(s.nattrs[0], LINK_MAX_ATTRS);
	sprintf(text + o, ";z");
	assert_int_equal(parse(text, &s), -E2BIG);
	assert_int_equal(s.calls, 0);

	/* CODEC_MAX_RECORDS links pass, one more does not. */
	big = malloc(nlinks * 3);
	assert_non_null(big);
	for (size_t i = 0; i < nlinks; i++)
		memcpy(big + 3 * i, "<>,", 3);
	assert_int_equal(link_parse(big, nlinks * 3 - 1, NULL, NULL), -E2BIG);
	assert_int_equal(link_parse(big, (nlinks - 1) * 3 - 1, NULL, NULL),
			 CODEC_MAX_RECORDS);
	free(big);
}

static void test_parse_callback_error(void **state)
{
	struct seen s;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.fail_at = 2;
	assert_int_equal(link_parse("</1>,</2>,</3>", 14, on_link, &s),
			 -ECANCELED);
	assert_int_equal(s.calls, 2);
}

/* What the writer writes, the parser reads back. */
static void test_write_then_parse(void **state)
{
	struct link_writer w;
	char buf[256];
	struct seen s;
	struct path p = path_resource(3303, 0, 5700);

	(void)state;
	link_writer_init(&w, buf, sizeof(buf));
	assert_int_equal(link_put_path(&w, &p), 0);
	assert_int_equal(link_put_double(&w, "st", 0.1), 0);
	assert_int_equal(link_put_int(&w, "lt", INT64_MIN), 0);
	assert_int_equal(link_put_uint(&w, "gt", UINT64_MAX), 0);
	assert_int_equal(link_put_string(&w, "q", "say \"hi\"\\", 9), 0);
	assert_int_equal(link_put_flag(&w, "obs"), 0);
	assert_true(link_writer_finish(&w) > 0);
	assert_int_equal(parse(buf, &s), 1);
	assert_string_equal(s.uri[0], "/3303/0/5700");
	assert_int_equal(s.nattrs[0], 5);
	assert_attr(&s, 0, 0, "st", "0.1", false);
	assert_attr(&s, 0, 1, "lt", "-9223372036854775808", false);
	assert_attr(&s, 0, 2, "gt", "18446744073709551615", false);
	assert_attr(&s, 0, 3, "q", "say \"hi\"\\", true);
	assert_attr(&s, 0, 4, "obs", NULL, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_write_register_payload),
		cmocka_unit_test(test_write_discover),
		cmocka_unit_test(test_write_attr_text),
		cmocka_unit_test(test_write_nobufs),
		cmocka_unit_test(test_write_invalid),
		cmocka_unit_test(test_parse_register_payload),
		cmocka_unit_test(test_parse_discover),
		cmocka_unit_test(test_parse_quotes),
		cmocka_unit_test(test_parse_whitespace),
		cmocka_unit_test(test_parse_malformed),
		cmocka_unit_test(test_parse_bounds),
		cmocka_unit_test(test_parse_callback_error),
		cmocka_unit_test(test_write_then_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
