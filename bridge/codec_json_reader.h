/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Parsing side shared by the LwM2M JSON and SenML JSON decoders: json-c
 * set up strictly, plus the checks json-c 0.16 does not make.
 *
 * json-c is run with JSON_TOKENER_STRICT and JSON_TOKENER_VALIDATE_UTF8
 * and a nesting bound (json_tokener_new_ex), so a document nested deeper
 * than CODEC_JSON_MAX_DEPTH fails cleanly; json-c's parser is iterative,
 * so depth never costs C stack.  What strict json-c still accepts, and
 * this module rejects before parsing with a lexical pass:
 *  - NaN, Infinity, -Infinity (-EBADMSG: no LwM2M format carries them);
 *  - numbers outside RFC 8259's grammar ("1.", "-", "1e") (-EBADMSG);
 *  - integers beyond [-2^63, 2^64-1], which json-c saturates silently to
 *    the nearest limit (-ERANGE: the number fits no resource type);
 *  - NUL bytes anywhere (-EBADMSG).
 * A number in exponent form that overflows a double ("1e999") is caught
 * when its value is used (it is not finite).
 */
#ifndef BRIDGE_CODEC_JSON_READER_H
#define BRIDGE_CODEC_JSON_READER_H

#include <stddef.h>

#include <json-c/json.h>

#include "codec_senml_common.h"

/* LwM2M JSON needs 3 levels (object, "e" array, entry), SenML JSON 2;
 * the slack lets unknown members hold small structures. */
#define CODEC_JSON_MAX_DEPTH 8

/* Parses buf (len bytes) as one JSON text, optionally surrounded by
 * whitespace.  Returns the root object, which the caller releases with
 * json_object_put(); or NULL with *err set to -EBADMSG (malformed,
 * truncated, too deep, trailing data, NUL byte, NaN/Infinity), -ERANGE
 * (an integer literal out of range) or -ENOMEM. */
struct json_object *codec_json_parse(const char *buf, size_t len, int *err);

/* Fills *w (kind SENML_NUMBER) from a json-c number.  Returns 0, or
 * -EBADMSG if o is not a number. */
int codec_json_number(struct json_object *o, struct senml_wire *w);

/* Returns the bytes and length of a json-c string in *s and *len, or
 * -EBADMSG if o is not a string or not strict UTF-8 (json-c's check
 * passes overlong forms and surrogates).  The bytes live as long as o. */
int codec_json_string(struct json_object *o, const char **s, size_t *len);

#endif
