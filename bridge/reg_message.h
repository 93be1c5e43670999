/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The contents of the Register and Update messages (LwM2M 1.0.2 §5.3.1,
 * §5.3.2; 1.1 Core §6.2.1, §6.2.2): the Uri-Query parameters and the
 * CoRE link list of objects and instances (Content-Format 40).
 *
 * Query parameters, one Uri-Query option each:
 *   Register: ep=NAME, lt=SECONDS, lwm2m=1.0|1.1, b=BINDING, and for
 *             LwM2M 1.1 in queue mode the flag Q.  lt and b are always
 *             sent (the Server object's Lifetime is mandatory, and an
 *             explicit b= keeps servers from assuming their default); no
 *             sms= or pid= (no SMS binding here).
 *   Update:   lt and b only when they changed since the last successful
 *             Register/Update (the caller says which).
 * Binding: the Server object's /1/x/7 may hold the 1.0 form with Q ("UQ")
 * even under 1.1.  For lwm2m=1.0, b= carries it as it is ("UQ").  For
 * 1.1 the Q letter is deprecated in b=: it is removed from b= and sent as
 * the separate Q parameter instead.  1.1 has no Q parameter in Update, so
 * a queue-mode change under 1.1 needs a new Register (registration.c does
 * that).
 *
 * Link list (reg_payload_build), e.g.
 *   </1>;ver=1.1,</1/0>,</3>;ver=1.2,</3/0>,</3303>;ver=1.1,</3303/0>,
 *   </5>;ver=1.2 (to a 1.1 server)
 *   - objects in increasing id, each followed by its instances in
 *     increasing id: </3303/0>,</3303/1>;
 *   - Security (0) and OSCORE (21) are never listed: their instances hold
 *     credentials and are reachable by the Bootstrap-Server only;
 *   - ver= (the object's ObjectVersion from its DDF) only when it is not
 *     1.0, only on the object link </oid>, which is then written before
 *     the object's instances; never on an instance link; no attribute is
 *     written twice.  An object whose DDF needs a newer enabler
 *     (LWM2MVersion) than the server registered with is announced as that
 *     enabler defines it: to 1.0, objects 0..7 are 1.0 (no ver=); to 1.1,
 *     the Server object is 1.1 (see reg_message.c);
 *   - an object with no instance is listed as </oid> (with ver= when it
 *     applies) only when the caller declares it supported (opts.supported):
 *     the spec's example lists </5> for an implemented object without
 *     instances, so a server knows it may Create one; objects whose DDF is
 *     merely loaded (the catalogue holds dozens) are not implemented and
 *     are not listed;
 *   - the root link </>;rt="oma.lwm2m";ct=... (1.1 §6.2.1: announces the
 *     Content-Formats the client supports) is written first, only for
 *     lwm2m=1.1 and only when the caller passes content formats: one
 *     format as ct=11543, several as ct="110 112 11542".  1.0 defines no
 *     list form, so it is never sent to a 1.0 server.
 */
#ifndef BRIDGE_REG_MESSAGE_H
#define BRIDGE_REG_MESSAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "endpoint.h"
#include "model.h"

enum reg_lwm2m_version {
	REG_LWM2M_1_0,
	REG_LWM2M_1_1,
};

/* "1.0" or "1.1". */
const char *reg_lwm2m_version_name(enum reg_lwm2m_version v);

/* Longest binding string accepted ("UQS" in 1.0, "UTSNQ" in 1.1). */
#define REG_BINDING_MAX 7

/*
 * Checks a binding (the /1/x/7 value) for version v and splits it:
 * letters gets the transport letters as given, without Q ("U", "US");
 * *queue tells whether Q was present.  1.0 accepts U, S and Q; 1.1 also
 * T and N.  Each letter at most once, at least one transport letter.
 * letters needs REG_BINDING_MAX + 1 bytes.  Returns 0 or -EINVAL.
 */
int reg_binding_split(const char *binding, enum reg_lwm2m_version v,
		      char *letters, bool *queue);

/* Most Uri-Query options one message carries, and longest one. */
#define REG_QUERY_MAX	   6
#define REG_QUERY_ITEM_MAX (ENDPOINT_MAX + 4)

/* A list of Uri-Query option values ("ep=gw1", "lt=300", "Q"), in the
 * order they go on the wire.  Plain data: copy it freely. */
struct reg_query {
	size_t n;
	char item[REG_QUERY_MAX][REG_QUERY_ITEM_MAX];
};

/*
 * Fills q for a Register.  endpoint: 1..ENDPOINT_MAX bytes, printable
 * ASCII without space or '&' (what endpoint_expand() produces); binding as
 * for reg_binding_split.  Returns 0 or -EINVAL (bad endpoint or binding).
 */
int reg_query_register(struct reg_query *q, const char *endpoint,
		       uint32_t lifetime, enum reg_lwm2m_version v,
		       const char *binding);

/*
 * Fills q for an Update: lt= when send_lt, b= when send_b (binding then
 * checked as for reg_binding_split; under 1.1 without its Q).  Both false
 * gives an empty list: an Update that only extends the lifetime.
 * Returns 0 or -EINVAL.
 */
int reg_query_update(struct reg_query *q, enum reg_lwm2m_version v,
		     bool send_lt, uint32_t lifetime, bool send_b,
		     const char *binding);

/* Writes the items joined with '&' ("ep=gw1&lt=300&lwm2m=1.1&b=U&Q"), for
 * logs and tests.  Returns the length, or -ENOBUFS (buf then holds ""
 * when cap > 0). */
int reg_query_join(const struct reg_query *q, char *buf, size_t cap);

struct reg_payload_opts {
	enum reg_lwm2m_version version;
	/* Objects without instances are listed when this returns true; NULL
	 * lists none.  Called once per such object, in increasing id. */
	bool (*supported)(uint16_t oid, void *ctx);
	void *ctx;
	/* For the 1.1 root link; NULL/0: no root link. */
	const uint16_t *content_formats;
	size_t n_content_formats;
};

/*
 * Writes the link list of m (see the top of this file) into buf, with a
 * NUL.  opts may be NULL (1.0 rules, no empty objects, no root link).
 * Returns the length without the NUL, -ENOBUFS if cap is too small (grow
 * and retry), or -EINVAL (m NULL, or an object version the link format
 * cannot carry).  Reads m only; the model must not change meanwhile.
 */
int reg_payload_build(const struct model *m,
		      const struct reg_payload_opts *opts, char *buf,
		      size_t cap);

#endif
