/* SPDX-License-Identifier: BSD-3-Clause */
#include "config.h"

#include "record.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

int codec_format_double(double d, char *buf, size_t cap)
{
	char tmp[32];
	int n;

	if (!isfinite(d))
		return -EINVAL; /* no LwM2M format can carry NaN or infinity */
	/* Whole numbers print without an exponent up to 2^53 so "22" stays
	 * "22", not "2.2e+01". */
	n = snprintf(tmp, sizeof(tmp), "%.15g", d);
	if (strtod(tmp, NULL) != d)
		n = snprintf(tmp, sizeof(tmp), "%.17g", d);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		return -EINVAL;
	if ((size_t)n >= cap)
		return -ENOBUFS;
	for (int i = 0; i <= n; i++)
		buf[i] = tmp[i];
	return n;
}
