/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "core_objects.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "log.h"

enum {
	OID_SECURITY = 0,
	OID_SERVER = 1,
};

int core_security_mode_value(enum cfg_security mode)
{
	/* LwM2M 1.1 Core E.1, resource 2: 0 PSK, 1 RPK, 2 Certificate,
	 * 3 NoSec (4 Certificate mode with EST is not configurable). */
	switch (mode) {
	case CFG_SEC_PSK: return 0;
	case CFG_SEC_RPK: return 1;
	case CFG_SEC_CERTIFICATE: return 2;
	case CFG_SEC_NOSEC: return 3;
	}
	return 3;
}

bool core_resource_is_secret(const struct path *p)
{
	return p->len >= 3 && p->ids[0] == OID_SECURITY &&
	       (p->ids[2] == 5 || p->ids[2] == 8);
}

/* One resource assignment; the context names the path in the log line. */
static int set(struct model *m, struct path p, struct lwb_value v)
{
	char where[PATH_STR_MAX];
	int rc = model_set(m, &p, &v);

	if (rc >= 0)
		return 0;
	path_format(&p, where, sizeof(where));
	log_errx("cannot set %s (%s) from the configuration: %s", where,
		 lwb_type_name(v.type), strerror(-rc));
	return rc;
}

static struct lwb_value str(const char *s)
{
	return (struct lwb_value){ .type = LWB_TYPE_STRING,
				   .v.bytes = { s, strlen(s) } };
}

static struct lwb_value bytes(const void *p, size_t len)
{
	return (struct lwb_value){ .type = LWB_TYPE_OPAQUE,
				   .v.bytes = { p, len } };
}

static struct lwb_value integer(int64_t i)
{
	return (struct lwb_value){ .type = LWB_TYPE_INTEGER, .v.i = i };
}

static struct lwb_value uinteger(uint64_t u)
{
	return (struct lwb_value){ .type = LWB_TYPE_UNSIGNED, .v.u = u };
}

static struct lwb_value boolean(bool b)
{
	return (struct lwb_value){ .type = LWB_TYPE_BOOLEAN, .v.b = b };
}

static int add_instance(struct model *m, uint16_t oid, uint16_t iid)
{
	int rc = model_instance_create(m, oid, iid);

	if (rc < 0)
		log_errx("cannot create /%u/%u: %s", (unsigned)oid,
			 (unsigned)iid, strerror(-rc));
	return rc;
}

static int populate_security(struct model *m, uint16_t iid,
			     const struct cfg_server *s)
{
	const char *identity = s->psk_identity ? s->psk_identity : "";
	int rc;

	if ((rc = add_instance(m, OID_SECURITY, iid)) < 0)
		return rc;
	/* Key material held in files (RPK, certificates) is read by the
	 * transport when it sets up the session; here the PSK identity and
	 * key are the only credentials the configuration holds itself. */
	if ((rc = set(m, path_resource(OID_SECURITY, iid, 0), str(s->uri))) ||
	    (rc = set(m, path_resource(OID_SECURITY, iid, 1), boolean(false))) ||
	    (rc = set(m, path_resource(OID_SECURITY, iid, 2),
		      integer(core_security_mode_value(s->security_mode)))) ||
	    (rc = set(m, path_resource(OID_SECURITY, iid, 3),
		      bytes(identity, strlen(identity)))) ||
	    (rc = set(m, path_resource(OID_SECURITY, iid, 4), bytes("", 0))) ||
	    (rc = set(m, path_resource(OID_SECURITY, iid, 5),
		      bytes(s->psk_key, s->psk_key_len))) ||
	    (rc = set(m, path_resource(OID_SECURITY, iid, 10),
		      integer(s->short_server_id))))
		return rc;
	return 0;
}

static int populate_server(struct model *m, uint16_t iid,
			   const struct cfg_server *s)
{
	int rc;

	if ((rc = add_instance(m, OID_SERVER, iid)) < 0)
		return rc;
	if ((rc = set(m, path_resource(OID_SERVER, iid, 0),
		      integer(s->short_server_id))) ||
	    (rc = set(m, path_resource(OID_SERVER, iid, 1),
		      integer(s->lifetime))) ||
	    (rc = set(m, path_resource(OID_SERVER, iid, 2),
		      integer(s->default_pmin))) ||
	    (rc = set(m, path_resource(OID_SERVER, iid, 5),
		      integer(s->disable_timeout))) ||
	    (rc = set(m, path_resource(OID_SERVER, iid, 6),
		      boolean(s->notification_storing))) ||
	    (rc = set(m, path_resource(OID_SERVER, iid, 7), str(s->binding))))
		return rc;
	/* 0 means "no default maximum period": the resource stays absent. */
	if (s->default_pmax > 0 &&
	    (rc = set(m, path_resource(OID_SERVER, iid, 3),
		      integer(s->default_pmax))))
		return rc;
	/* The retry resources exist from Server object 1.1 on; a user's 1.0
	 * definition simply does not have them. */
	const struct schema_object *def =
		schema_find(model_schema(m), OID_SERVER);
	if (def && schema_find_resource(def, 17) &&
	    ((rc = set(m, path_resource(OID_SERVER, iid, 17),
		       uinteger(s->communication_retry_count))) ||
	     (rc = set(m, path_resource(OID_SERVER, iid, 18),
		       uinteger(s->communication_retry_timer))) ||
	     (rc = set(m, path_resource(OID_SERVER, iid, 19),
		       uinteger(s->communication_sequence_delay_timer))) ||
	     (rc = set(m, path_resource(OID_SERVER, iid, 20),
		       uinteger(s->communication_sequence_retry_count)))))
		return rc;
	/* Mute Send (1.1): Send works only while it is present and false. */
	if (def && schema_find_resource(def, 23) &&
	    (rc = set(m, path_resource(OID_SERVER, iid, 23),
		      boolean(s->mute_send))))
		return rc;
	return 0;
}

int core_objects_populate(struct model *m, const struct bridge_config *cfg)
{
	int rc;

	for (size_t i = 0; i < cfg->n_servers; i++) {
		if ((rc = populate_security(m, (uint16_t)i, &cfg->servers[i])) ||
		    (rc = populate_server(m, (uint16_t)i, &cfg->servers[i])))
			return rc;
	}
	/* The Device instance (3) is device_object.c's. */
	return 0;
}
