/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The registry of object definitions: a sorted array of definitions,
 * filled one layer (file, buffer or directory) at a time.
 */
#include "config.h"

#include "schema_priv.h"

#include "log.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Shipped definitions are 1-22 kB; the buffer is freed after each file,
 * but the heap pages it touched stay resident. */
#define READ_CHUNK 16384

struct schema_registry {
	struct sobj **objs; /* sorted by id */
	size_t n, cap;
	unsigned layer;	      /* the last layer started */
	struct sobj *retired; /* replaced definitions, kept until free */
};

void schema_set_error(struct schema_error *err, const char *name,
		      unsigned long line, int code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return;
	snprintf(err->file, sizeof(err->file), "%s", name ? name : "");
	err->line = line;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
}

struct schema_registry *schema_registry_new(void)
{
	struct schema_registry *reg = calloc(1, sizeof(*reg));

	if (!reg)
		errno = ENOMEM;
	return reg;
}

void schema_registry_free(struct schema_registry *reg)
{
	if (!reg)
		return;
	for (size_t i = 0; i < reg->n; i++)
		sobj_free(reg->objs[i]);
	while (reg->retired) {
		struct sobj *next = reg->retired->next_retired;

		sobj_free(reg->retired);
		reg->retired = next;
	}
	free(reg->objs);
	free(reg);
}

/* Index of oid, or of where it would go (*found false). */
static size_t lookup(const struct schema_registry *reg, uint16_t oid,
		     bool *found)
{
	size_t lo = 0, hi = reg->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (reg->objs[mid]->pub.id < oid)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < reg->n && reg->objs[lo]->pub.id == oid;
	return lo;
}

/*
 * Adds the objects of one parsed document to layer.  All checks come
 * first, then the array is grown once, so a failure changes nothing.
 * Takes ownership of objs (and its elements) in every case.
 */
static int commit(struct schema_registry *reg, struct sobj **objs, size_t n,
		  unsigned layer, const char *name, struct schema_error *err)
{
	size_t added = 0;
	int rc = 0;

	for (size_t i = 0; i < n; i++) {
		const struct sobj *o = objs[i];
		bool found;
		size_t at = lookup(reg, o->pub.id, &found);

		for (size_t j = 0; j < i && rc == 0; j++) {
			if (objs[j]->pub.id == o->pub.id) {
				rc = -EEXIST;
				schema_set_error(err, name, o->pub.line, rc,
						 "object %u defined twice "
						 "(also at line %lu)",
						 o->pub.id, objs[j]->pub.line);
			}
		}
		if (rc == 0 && found && reg->objs[at]->layer == layer) {
			rc = -EEXIST;
			schema_set_error(err, name, o->pub.line, rc,
					 "object %u already defined by %s",
					 o->pub.id, reg->objs[at]->pub.source);
		}
		if (rc)
			goto out;
		if (!found)
			added++;
	}
	if (reg->n + added > reg->cap) {
		size_t cap = reg->cap ? reg->cap : 64;
		struct sobj **g;

		while (cap < reg->n + added)
			cap *= 2;
		g = realloc(reg->objs, cap * sizeof(*g));
		if (!g) {
			rc = -ENOMEM;
			schema_set_error(err, name, 0, rc, "out of memory");
			goto out;
		}
		reg->objs = g;
		reg->cap = cap;
	}
	for (size_t i = 0; i < n; i++) {
		struct sobj *o = objs[i];
		bool found;
		size_t at = lookup(reg, o->pub.id, &found);

		o->layer = layer;
		if (found) {
			reg->objs[at]->next_retired = reg->retired;
			reg->retired = reg->objs[at];
		} else {
			memmove(&reg->objs[at + 1], &reg->objs[at],
				(reg->n - at) * sizeof(*reg->objs));
			reg->n++;
		}
		reg->objs[at] = o;
		objs[i] = NULL;
	}
	rc = (int)n;
out:
	for (size_t i = 0; i < n; i++)
		sobj_free(objs[i]);
	free(objs);
	return rc;
}

/* Reads the document from fd (or buf when fd < 0) and commits it. */
static int load(struct schema_registry *reg, const struct schema_xml *x,
		int fd, const void *buf, size_t len, const char *name,
		unsigned layer, struct schema_error *err)
{
	struct schema_parser *p = schema_parser_new(name, x, err);
	struct sobj **objs = NULL;
	char *chunk = NULL;
	int rc;

	if (!p) {
		rc = -ENOMEM;
		schema_set_error(err, name, 0, rc, "out of memory");
		goto out;
	}
	if (fd < 0 && len > SCHEMA_MAX_FILE) {
		rc = -EFBIG;
		schema_set_error(err, name, 0, rc, "larger than %u bytes",
				 SCHEMA_MAX_FILE);
	} else if (fd < 0) {
		rc = schema_parser_feed(p, buf, len, true);
	} else if (!(chunk = malloc(READ_CHUNK))) {
		rc = -ENOMEM;
		schema_set_error(err, name, 0, rc, "out of memory");
	} else {
		rc = 0;
		while (rc == 0) {
			ssize_t got = read(fd, chunk, READ_CHUNK);

			if (got < 0 && errno == EINTR)
				continue;
			if (got < 0) {
				rc = -errno;
				schema_set_error(err, name, 0, rc, "read: %s",
						 strerror(errno));
				break;
			}
			rc = schema_parser_feed(p, chunk, (size_t)got,
						got == 0);
			if (got == 0)
				break;
		}
	}
	if (rc)
		goto out;
	rc = schema_parser_take(p, &objs);
	if (rc < 0)
		goto out;
	for (int i = 0; i < rc; i++) {
		if (sobj_pack(&objs[i], name) < 0) {
			for (int j = 0; j < rc; j++)
				sobj_free(objs[j]);
			free(objs);
			rc = -ENOMEM;
			schema_set_error(err, name, 0, rc, "out of memory");
			goto out;
		}
	}
	rc = commit(reg, objs, (size_t)rc, layer, name, err);
out:
	free(chunk);
	schema_parser_free(p);
	return rc;
}

int schema_load_buffer(struct schema_registry *reg, const void *buf, size_t len,
		       const char *name, struct schema_error *err)
{
	struct schema_xml x;
	int rc;

	if (!name)
		name = "(buffer)";
	if (err)
		memset(err, 0, sizeof(*err));
	rc = schema_xml_open(&x, name, err);
	if (rc < 0)
		return rc;
	rc = load(reg, &x, -1, len ? buf : "", len, name, ++reg->layer, err);
	schema_xml_close(&x);
	return rc;
}

static int load_path(struct schema_registry *reg, const struct schema_xml *x,
		     const char *path, unsigned layer, struct schema_error *err)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	int rc;

	if (fd < 0) {
		rc = -errno;
		schema_set_error(err, path, 0, rc, "%s", strerror(errno));
		return rc;
	}
	rc = load(reg, x, fd, NULL, 0, path, layer, err);
	close(fd);
	return rc;
}

int schema_load_file(struct schema_registry *reg, const char *path,
		     struct schema_error *err)
{
	struct schema_xml x;
	int rc;

	if (err)
		memset(err, 0, sizeof(*err));
	rc = schema_xml_open(&x, path, err);
	if (rc < 0)
		return rc;
	rc = load_path(reg, &x, path, ++reg->layer, err);
	schema_xml_close(&x);
	return rc;
}

static bool is_xml_name(const char *s)
{
	size_t len = strlen(s);

	return s[0] != '.' && len > 4 && strcmp(s + len - 4, ".xml") == 0;
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int schema_load_dir(struct schema_registry *reg, const char *dir,
		    struct schema_error *err)
{
	DIR *d = opendir(dir);
	char **names = NULL;
	size_t n = 0, cap = 0;
	unsigned layer;
	int rc = 0, failed = 0;
	bool first = true;
	struct schema_xml x = {0};

	if (err)
		memset(err, 0, sizeof(*err));
	if (!d) {
		rc = -errno;
		schema_set_error(err, dir, 0, rc, "%s", strerror(errno));
		return rc;
	}
	for (;;) {
		struct dirent *de;

		errno = 0;
		de = readdir(d);
		if (!de) {
			if (errno) {
				rc = -errno;
				schema_set_error(err, dir, 0, rc, "%s",
						 strerror(errno));
				goto out;
			}
			break;
		}
		if (!is_xml_name(de->d_name))
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 64;
			char **g = realloc(names, ncap * sizeof(*g));

			if (!g)
				goto nomem;
			names = g;
			cap = ncap;
		}
		names[n] = strdup(de->d_name);
		if (!names[n])
			goto nomem;
		n++;
	}
	qsort(names, n, sizeof(*names), cmp_name);
	/* Closed before loading: its buffer (32 kB in glibc) would otherwise
	 * sit below the definitions in the heap, a resident hole for good. */
	closedir(d);
	d = NULL;
	if (n > 0 && (rc = schema_xml_open(&x, dir, err)) < 0)
		goto out;
	layer = ++reg->layer;
	for (size_t i = 0; i < n; i++) {
		struct schema_error one;
		char *path;
		struct stat st;

		if (asprintf(&path, "%s/%s", dir, names[i]) < 0)
			goto nomem;
		/* Only regular files (after links): a directory named
		 * "x.xml" is not a definition. */
		if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
			free(path);
			continue;
		}
		memset(&one, 0, sizeof(one));
		rc = load_path(reg, &x, path, layer, &one);
		free(path);
		if (rc >= 0)
			continue;
		if (rc == -ENOMEM)
			goto out_err;
		failed++;
		log_warnx("%s:%lu: %s", one.file, one.line, one.msg);
		if (first && err)
			*err = one;
		first = false;
	}
	rc = failed;
	goto out;
nomem:
	rc = -ENOMEM;
	schema_set_error(err, dir, 0, rc, "out of memory");
	goto out;
out_err:
	schema_set_error(err, dir, 0, rc, "out of memory");
out:
	schema_xml_close(&x);
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (d)
		closedir(d);
	return rc;
}

const struct schema_object *schema_find(const struct schema_registry *reg,
					uint16_t oid)
{
	bool found;
	size_t at = lookup(reg, oid, &found);

	return found ? &reg->objs[at]->pub : NULL;
}

const struct schema_resource *
schema_find_resource(const struct schema_object *obj, uint16_t rid)
{
	size_t lo = 0, hi = obj->resource_count;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (obj->resources[mid].id < rid)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < obj->resource_count && obj->resources[lo].id == rid
		       ? &obj->resources[lo]
		       : NULL;
}

size_t schema_object_count(const struct schema_registry *reg)
{
	return reg->n;
}

const struct schema_object *schema_object_at(const struct schema_registry *reg,
					     size_t index)
{
	return index < reg->n ? &reg->objs[index]->pub : NULL;
}

enum lwb_type schema_type_of(const struct schema_registry *reg,
			     const struct path *p)
{
	const struct schema_object *o;
	const struct schema_resource *r;

	if (p->len != PATH_RESOURCE && p->len != PATH_RESOURCE_INSTANCE)
		return LWB_TYPE_NONE;
	o = schema_find(reg, p->ids[0]);
	r = o ? schema_find_resource(o, p->ids[2]) : NULL;
	if (!r || (r->ops & SCHEMA_OP_EXEC))
		return LWB_TYPE_NONE;
	if (p->len == PATH_RESOURCE_INSTANCE && !r->multiple)
		return LWB_TYPE_NONE;
	return r->type;
}
