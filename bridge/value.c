/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "lwm2m-bridge/value.h"

const char *lwb_type_name(enum lwb_type type)
{
	switch (type) {
	case LWB_TYPE_NONE: return "none";
	case LWB_TYPE_STRING: return "String";
	case LWB_TYPE_INTEGER: return "Integer";
	case LWB_TYPE_UNSIGNED: return "Unsigned Integer";
	case LWB_TYPE_FLOAT: return "Float";
	case LWB_TYPE_BOOLEAN: return "Boolean";
	case LWB_TYPE_OPAQUE: return "Opaque";
	case LWB_TYPE_TIME: return "Time";
	case LWB_TYPE_OBJLNK: return "Objlnk";
	case LWB_TYPE_CORELNK: return "Corelnk";
	}
	return "?";
}
