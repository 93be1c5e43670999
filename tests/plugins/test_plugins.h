/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the test plugins share with the unit tests that load them.  A test
 * finds a loaded plugin's state as the ctx of its instance binding
 * (oa_handler(oa, oid, iid)->ctx): that is why the state layouts live
 * here.  Test code only.
 */
#ifndef TESTS_PLUGINS_TEST_PLUGINS_H
#define TESTS_PLUGINS_TEST_PLUGINS_H

#include <stddef.h>
#include <stdint.h>

#include "lwm2m-bridge/plugin.h"

#define TP_GOOD_MAGIC	0x676f6f64u /* "good" */
#define TP_ALLAPI_MAGIC 0x616c6c61u /* "alla" */

/* Temperature object (IPSO 3303) and the resources the plugins use. */
#define TP_OID_TEMP	3303
#define TP_RID_VALUE	5700 /* Sensor Value, Float, R */
#define TP_RID_MIN	5601 /* Min Measured Value, Float, R */
#define TP_RID_MAX	5602 /* Max Measured Value, Float, R */
#define TP_RID_UNITS	5701 /* Sensor Units, String, R */
#define TP_RID_RESET	5605 /* Reset Min and Max, E */
#define TP_RID_APP_TYPE 5750 /* Application Type, String, RW */

/* good.so: one Temperature instance per configured instance. */
struct tp_good {
	uint32_t magic;
	struct lwb_host *host;
	int iid;
	double value; /* settings "value", default 21.5; what read returns */
	int reads, writes, executes;
	char app_type[32];
	size_t app_type_len;
	char exec_args[32]; /* the last Execute's arguments, NUL-terminated */
};

/* allapi.so: calls every host function in init and records the results. */
struct tp_allapi {
	uint32_t magic;
	struct lwb_host *host;
	int iid;
	int fd;	    /* settings "fd": an fd of the test to watch, or -1 */
	int leak;   /* settings "leak": fini leaves everything registered */
	int checks; /* host calls whose result was checked */
	int failures;
	char first_failure[160];
	int fd_events, timer_fires;
	uint64_t started_ms; /* now_ms() in init */
	struct lwb_timer *timer;
};

/* How many results allapi's init checks when given an fd (allapi.c). */
#define TP_ALLAPI_CHECKS 32
/* Work items allapi's worker thread posts in init. */
#define TP_ALLAPI_THREAD_POSTS 100

#endif
