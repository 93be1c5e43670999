/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the Device object (3) reports about the host, read from files
 * under a root prefix: ROOT/proc/meminfo, ROOT/sys/class/power_supply,
 * ROOT/etc/timezone, ROOT/etc/os-release, ... ROOT is "" for the real
 * system, a directory holding a fake proc/, sys/ and etc/ in tests (the
 * same convention as bridge/endpoint.h).
 *
 * Pure apart from the file reads: no globals, no logging, no allocation;
 * thread-safe.  Each function returns 0 or a negative errno (-ENOENT when
 * the file or the value in it does not exist).
 */
#ifndef BRIDGE_DEVICE_HOST_H
#define BRIDGE_DEVICE_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* Longest string value produced here, with its NUL. */
#define DEVHOST_STR_MAX 128

/* Most power supplies reported (/3/0/6, 7, 8 instances). */
#define DEVHOST_POWER_MAX 8

/*
 * ROOT/proc/meminfo: MemAvailable (MemFree on kernels before 3.14, which
 * lack it) and MemTotal, in KiB, as /3/0/10 and /3/0/21 want them.
 */
int devhost_meminfo(const char *root, int64_t *free_kib, int64_t *total_kib);

/* One power supply of ROOT/sys/class/power_supply. */
struct devhost_power_source {
	int kind;	    /* /3/0/6: 0 DC, 1 internal battery, 5 USB,
			       6 AC mains */
	bool has_voltage;   /* voltage_now was readable */
	int64_t voltage_mv; /* /3/0/7 */
	bool has_current;
	int64_t current_ma; /* /3/0/8 */
};

struct devhost_power {
	size_t n; /* sources, in directory-name order */
	struct devhost_power_source src[DEVHOST_POWER_MAX];
	bool has_battery;	/* a supply of type Battery, "present" */
	bool has_battery_level; /* its capacity was readable */
	int battery_level;	/* /3/0/9, 0..100 */
	int battery_status;	/* /3/0/20, 0..6 */
};

/*
 * Scans ROOT/sys/class/power_supply: each supply of type Battery, Mains or
 * USB becomes a source (others are skipped); the first battery that is
 * present gives the level and status.  A missing directory is 0 with
 * out->n == 0 (no power supply information, as in most containers).
 */
int devhost_power(const char *root, struct devhost_power *out);

/*
 * The IANA time zone name (/3/0/15): ROOT/etc/timezone, else the target
 * of the ROOT/etc/localtime symbolic link after ".../zoneinfo/", else the
 * TZ environment variable (without a leading ':'), else -ENOENT.
 */
int devhost_timezone(const char *root, char *buf, size_t cap);

/* The UTC offset in effect at t for the process's local time zone (/3/0/14),
 * ISO 8601 style: "+01:00", "-05:30", "+00:00".  Returns 0 or -EINVAL. */
int devhost_utc_offset(time_t t, char *buf, size_t cap);

/* The Hardware Version default (/3/0/18): ROOT/sys/firmware/devicetree/
 * base/model (single-board computers), else ROOT/sys/class/dmi/id/
 * product_name with product_version (PCs), else -ENOENT. */
int devhost_hardware_version(const char *root, char *buf, size_t cap);

/* The Software Version default (/3/0/19): PRETTY_NAME of ROOT/etc/os-release
 * and the kernel release of ROOT/proc/sys/kernel/osrelease, e.g.
 * "Debian GNU/Linux 12 (bookworm), Linux 6.1.0-18-amd64"; either alone
 * if the other is missing; -ENOENT if both are. */
int devhost_software_version(const char *root, char *buf, size_t cap);

/* ROOT/etc/machine-id, trimmed (the default Serial Number). */
int devhost_machine_id(const char *root, char *buf, size_t cap);

/* Reads ROOT/rel into buf (cap bytes, NUL-terminated), trimmed of
 * surrounding white space.  Returns the length or a negative errno
 * (-ENODATA for an empty file).  Shared with connmon. */
int devhost_read_file(const char *root, const char *rel, char *buf, size_t cap);

#endif
