/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libexpat, opened with dlopen for the duration of one load and closed
 * after it.  The daemon reads object definitions at start-up only; linked
 * normally, the parser's pages (about 180 kB resident) would stay mapped
 * for the daemon's whole life for nothing.  (glibc unmaps a library at its
 * last dlclose; musl never unloads, so there the saving is not had, and
 * nothing else changes.)  With no NEEDED entry for libexpat, packages
 * must declare the dependency themselves.
 */
#include "config.h"

#include "schema_priv.h"

#include <dlfcn.h>
#include <errno.h>
#include <string.h>

#include "log.h"

/* The library to open: configure's SCHEMA_EXPAT_SONAME, unless a test
 * build names a missing one (tests/unit/test_schema_noexpat.c). */
#ifndef SCHEMA_XML_LIBRARY
#define SCHEMA_XML_LIBRARY SCHEMA_EXPAT_SONAME
#endif

int schema_xml_open(struct schema_xml *x, const char *name,
		    struct schema_error *err)
{
	const char *why;

	memset(x, 0, sizeof(*x));
	x->lib = dlopen(SCHEMA_XML_LIBRARY, RTLD_NOW | RTLD_LOCAL);
	if (!x->lib) {
		why = dlerror();
		goto fail;
	}
	/* (dlsym's void * converts to a function pointer: POSIX requires
	 * it, ISO C leaves it to the implementation) */
#define SYM(field, sym)                                                        \
	do {                                                                   \
		x->field = (__typeof__(x->field))dlsym(x->lib, #sym);          \
		if (!x->field) {                                               \
			why = dlerror();                                       \
			goto fail;                                             \
		}                                                              \
	} while (0)
	SYM(parser_create, XML_ParserCreate);
	SYM(parser_free, XML_ParserFree);
	SYM(set_user_data, XML_SetUserData);
	SYM(set_element_handler, XML_SetElementHandler);
	SYM(set_character_data_handler, XML_SetCharacterDataHandler);
	SYM(set_entity_decl_handler, XML_SetEntityDeclHandler);
	SYM(parse, XML_Parse);
	SYM(stop_parser, XML_StopParser);
	SYM(get_error_code, XML_GetErrorCode);
	SYM(error_string, XML_ErrorString);
	SYM(get_current_line_number, XML_GetCurrentLineNumber);
#undef SYM
	return 0;
fail:
	schema_set_error(err, name, 0, -ELIBACC,
			 "cannot load the XML parser %s: %s",
			 SCHEMA_XML_LIBRARY, why ? why : "unknown error");
	log_errx("cannot load the XML parser %s, needed to read object "
		 "definitions: %s",
		 SCHEMA_XML_LIBRARY, why ? why : "unknown error");
	schema_xml_close(x);
	return -ELIBACC;
}

void schema_xml_close(struct schema_xml *x)
{
	if (x->lib)
		dlclose(x->lib);
	memset(x, 0, sizeof(*x));
}
