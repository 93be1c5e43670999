/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "device_host.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int join(char *out, size_t cap, const char *root, const char *rel)
{
	int n = snprintf(out, cap, "%s%s", root ? root : "", rel);

	return n < 0 || (size_t)n >= cap ? -ENAMETOOLONG : 0;
}

int devhost_read_file(const char *root, const char *rel, char *buf, size_t cap)
{
	char path[PATH_MAX];
	size_t start = 0, len;
	ssize_t n;
	int fd, rc;

	if (cap == 0)
		return -EINVAL;
	buf[0] = '\0';
	if ((rc = join(path, sizeof(path), root, rel)) < 0)
		return rc;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, cap - 1);
	rc = n < 0 ? -errno : 0;
	close(fd);
	if (rc < 0)
		return rc;
	len = (size_t)n;
	while (len > 0 && isspace((unsigned char)buf[len - 1]))
		len--;
	while (start < len && isspace((unsigned char)buf[start]))
		start++;
	memmove(buf, buf + start, len - start);
	len -= start;
	buf[len] = '\0';
	return len ? (int)len : -ENODATA;
}

/* "Key:   123 kB" lines; the value of key in KiB, or -1. */
static int64_t meminfo_value(const char *text, const char *key)
{
	size_t klen = strlen(key);
	const char *p = text;

	while (p && *p) {
		if (strncmp(p, key, klen) == 0 && p[klen] == ':') {
			char *end;
			long long v = strtoll(p + klen + 1, &end, 10);

			return end == p + klen + 1 || v < 0 ? -1 : v;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -1;
}

int devhost_meminfo(const char *root, int64_t *free_kib, int64_t *total_kib)
{
	/* meminfo is about 1.5 KiB; the two keys are in its first lines. */
	char text[4096];
	int64_t avail, total;
	int rc = devhost_read_file(root, "/proc/meminfo", text, sizeof(text));

	if (rc < 0)
		return rc;
	total = meminfo_value(text, "MemTotal");
	avail = meminfo_value(text, "MemAvailable");
	if (avail < 0)
		avail = meminfo_value(text, "MemFree");
	if (total < 0 || avail < 0)
		return -ENOENT;
	*free_kib = avail;
	*total_kib = total;
	return 0;
}

/* ROOT/sys/class/power_supply/NAME/ATTR into buf; 0 or -errno. */
static int supply_attr(const char *root, const char *name, const char *attr,
		       char *buf, size_t cap)
{
	char rel[PATH_MAX];
	int n = snprintf(rel, sizeof(rel), "/sys/class/power_supply/%s/%s",
			 name, attr);

	if (n < 0 || (size_t)n >= sizeof(rel))
		return -ENAMETOOLONG;
	n = devhost_read_file(root, rel, buf, cap);
	return n < 0 ? n : 0;
}

static bool supply_int(const char *root, const char *name, const char *attr,
		       long long *out)
{
	char buf[32];
	char *end;

	if (supply_attr(root, name, attr, buf, sizeof(buf)) < 0)
		return false;
	errno = 0;
	*out = strtoll(buf, &end, 10);
	return errno == 0 && end != buf && *end == '\0';
}

/* The Battery Status enumeration of /3/0/20 from the kernel's words. */
static int battery_status(const char *root, const char *name)
{
	char status[32] = "", health[32] = "", level[32] = "";

	supply_attr(root, name, "status", status, sizeof(status));
	supply_attr(root, name, "health", health, sizeof(health));
	supply_attr(root, name, "capacity_level", level, sizeof(level));
	if (health[0] && strcmp(health, "Good") != 0 &&
	    strcmp(health, "Unknown") != 0)
		return 3; /* Damaged */
	if (strcmp(status, "Charging") == 0)
		return 1;
	if (strcmp(status, "Full") == 0)
		return 2; /* Charge Complete */
	if (strcmp(level, "Low") == 0 || strcmp(level, "Critical") == 0)
		return 4;
	if (strcmp(status, "Discharging") == 0 ||
	    strcmp(status, "Not charging") == 0)
		return 0; /* Normal */
	return 6;	  /* Unknown */
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void add_source(const char *root, const char *name,
		       struct devhost_power *out)
{
	struct devhost_power_source *s;
	char type[32];
	long long v, present = 1;

	if (supply_attr(root, name, "type", type, sizeof(type)) < 0 ||
	    out->n >= DEVHOST_POWER_MAX)
		return;
	s = &out->src[out->n];
	memset(s, 0, sizeof(*s));
	if (strcmp(type, "Battery") == 0)
		s->kind = 1;
	else if (strcmp(type, "Mains") == 0)
		s->kind = 6;
	else if (strncmp(type, "USB", 3) == 0)
		s->kind = 5;
	else
		return; /* UPS, Wireless, ...: no value of /3/0/6 fits */
	if (s->kind == 1) {
		supply_int(root, name, "present", &present);
		if (!present)
			return;
	}
	/* The kernel reports microvolts and microamperes. */
	if ((s->has_voltage = supply_int(root, name, "voltage_now", &v)))
		s->voltage_mv = v / 1000;
	if ((s->has_current = supply_int(root, name, "current_now", &v)))
		s->current_ma = v / 1000;
	out->n++;
	if (s->kind == 1 && !out->has_battery) {
		out->has_battery = true;
		out->battery_status = battery_status(root, name);
		if (supply_int(root, name, "capacity", &v) && v >= 0 &&
		    v <= 100) {
			out->has_battery_level = true;
			out->battery_level = (int)v;
		}
	}
}

int devhost_power(const char *root, struct devhost_power *out)
{
	char path[PATH_MAX];
	char *names[64];
	size_t n = 0;
	struct dirent *de;
	DIR *d;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = join(path, sizeof(path), root, "/sys/class/power_supply")) <
	    0)
		return rc;
	d = opendir(path);
	if (!d)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -errno;
	while ((de = readdir(d)) && n < sizeof(names) / sizeof(names[0])) {
		if (de->d_name[0] == '.')
			continue;
		if (!(names[n] = strdup(de->d_name)))
			break;
		n++;
	}
	closedir(d);
	/* Directory order is arbitrary: sort, so resource instance ids stay
	 * the same from one scan to the next. */
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (size_t i = 0; i < n; i++) {
		add_source(root, names[i], out);
		free(names[i]);
	}
	return 0;
}

int devhost_timezone(const char *root, char *buf, size_t cap)
{
	char path[PATH_MAX], link[PATH_MAX];
	const char *tz, *z;
	ssize_t n;
	int rc;

	if (devhost_read_file(root, "/etc/timezone", buf, cap) > 0)
		return 0;
	if ((rc = join(path, sizeof(path), root, "/etc/localtime")) < 0)
		return rc;
	n = readlink(path, link, sizeof(link) - 1);
	if (n > 0) {
		link[n] = '\0';
		z = strstr(link, "zoneinfo/");
		if (z && z[9] && strlen(z + 9) < cap) {
			snprintf(buf, cap, "%s", z + 9);
			return 0;
		}
	}
	tz = getenv("TZ");
	if (tz && *tz == ':')
		tz++;
	if (tz && *tz && *tz != '/' && strlen(tz) < cap) {
		snprintf(buf, cap, "%s", tz);
		return 0;
	}
	buf[0] = '\0';
	return -ENOENT;
}

int devhost_utc_offset(time_t t, char *buf, size_t cap)
{
	struct tm tm;
	long off;
	int n;

	if (!localtime_r(&t, &tm))
		return -EINVAL;
	off = tm.tm_gmtoff;
	n = snprintf(buf, cap, "%c%02ld:%02ld", off < 0 ? '-' : '+',
		     labs(off) / 3600, labs(off) % 3600 / 60);
	return n < 0 || (size_t)n >= cap ? -EINVAL : 0;
}

int devhost_hardware_version(const char *root, char *buf, size_t cap)
{
	char name[DEVHOST_STR_MAX], version[DEVHOST_STR_MAX];

	/* The device tree's model string may end in a NUL, which the
	 * trimming leaves inside: cut there. */
	if (devhost_read_file(root, "/sys/firmware/devicetree/base/model", buf,
			      cap) > 0) {
		buf[strcspn(buf, "\n")] = '\0';
		return buf[0] ? 0 : -ENOENT;
	}
	if (devhost_read_file(root, "/sys/class/dmi/id/product_name", name,
			      sizeof(name)) < 0)
		return -ENOENT;
	if (devhost_read_file(root, "/sys/class/dmi/id/product_version",
			      version, sizeof(version)) > 0)
		snprintf(buf, cap, "%.*s %.*s", DEVHOST_STR_MAX / 2 - 1, name,
			 DEVHOST_STR_MAX / 2 - 1, version);
	else
		snprintf(buf, cap, "%s", name);
	return 0;
}

/* PRETTY_NAME="..." of an os-release text, unquoted, into out. */
static bool pretty_name(const char *text, char *out, size_t cap)
{
	const char *p = text;

	while (p && *p) {
		if (strncmp(p, "PRETTY_NAME=", 12) == 0) {
			const char *v = p + 12;
			size_t len = strcspn(v, "\n");

			if (len >= 2 && (v[0] == '"' || v[0] == '\'') &&
			    v[len - 1] == v[0]) {
				v++;
				len -= 2;
			}
			if (len == 0)
				return false;
			snprintf(out, cap, "%.*s", (int)len, v);
			return true;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

int devhost_software_version(const char *root, char *buf, size_t cap)
{
	char text[2048], os[DEVHOST_STR_MAX] = "", kernel[64] = "";
	bool have_os = devhost_read_file(root, "/etc/os-release", text,
					 sizeof(text)) > 0 &&
		       pretty_name(text, os, sizeof(os));
	bool have_kernel = devhost_read_file(root, "/proc/sys/kernel/osrelease",
					     kernel, sizeof(kernel)) > 0;

	if (have_os && have_kernel)
		snprintf(buf, cap, "%.*s, Linux %s", DEVHOST_STR_MAX - 64, os,
			 kernel);
	else if (have_os)
		snprintf(buf, cap, "%s", os);
	else if (have_kernel)
		snprintf(buf, cap, "Linux %s", kernel);
	else
		return -ENOENT;
	return 0;
}

int devhost_machine_id(const char *root, char *buf, size_t cap)
{
	int n = devhost_read_file(root, "/etc/machine-id", buf, cap);

	return n < 0 ? n : 0;
}
