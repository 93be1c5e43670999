/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * sim_math.h: the sim plugin's arithmetic without libm.
 */
#include <math.h>
#include <stdint.h>

#include "sim_math.h"

/* Beyond 2^52 every double is an integer; below it, (int64_t)x is the
 * exact truncation. */
#define INTEGRAL_FROM 0x1p52

double sim_pow10(int n)
{
	static const double p[] = {1e0, 1e1, 1e2, 1e3, 1e4,
				   1e5, 1e6, 1e7, 1e8, 1e9};

	return n >= 0 && n < (int)(sizeof(p) / sizeof(p[0])) ? p[n] : 0;
}

double sim_round(double x)
{
	double t, f;

	if (!(fabs(x) < INTEGRAL_FROM))
		return x; /* already integral, infinite or NaN */
	t = (double)(int64_t)x;
	f = x - t; /* exact: t holds x's leading bits */
	if (f >= 0.5)
		t += 1.0;
	else if (f <= -0.5)
		t -= 1.0;
	/* (not copysign: it is a libm call at -O0) */
	return t == 0 && signbit(x) ? -0.0 : t;
}

double sim_phase(double t, double period)
{
	double q = t / period, r;

	if (!(fabs(q) < INTEGRAL_FROM))
		return 0;
	/* t - n period with n = trunc(q): n period is within half an ulp of
	 * t's magnitude, so the difference is off by about an ulp of t. */
	r = t - (double)(int64_t)q * period;
	if (r < 0)
		r += period;
	q = r / period;
	/* r (or the quotient) may round to a period or a hair past it */
	if (q >= 1)
		q -= 1;
	return q >= 0 && q < 1 ? q : 0;
}

/*
 * sin on [-pi/2, pi/2] by its Taylor series up to x^21: the first term
 * left out, x^23 / 23!, is below 1.3e-18 there.  The coefficients are
 * (-1)^k / (2k + 1)!, each factorial exact in a double, so each is the
 * correctly rounded quotient.  Horner in x^2 adds the small terms first.
 */
static double sin_half_pi(double x)
{
	static const double c[] = {
		-1.0 / 6.0,
		1.0 / 120.0,
		-1.0 / 5040.0,
		1.0 / 362880.0,
		-1.0 / 39916800.0,
		1.0 / 6227020800.0,
		-1.0 / 1307674368000.0,
		1.0 / 355687428096000.0,
		-1.0 / 121645100408832000.0,
		1.0 / 51090942171709440000.0,
	};
	double x2 = x * x, s = 0;

	for (int k = (int)(sizeof(c) / sizeof(c[0])) - 1; k >= 0; k--)
		s = c[k] + x2 * s;
	return x + x * x2 * s;
}

double sim_sin_turns(double turns)
{
	static const double two_pi = 6.283185307179586476925286766559;
	double r;

	if (turns == 0)
		return turns; /* keeps the sign of zero, as sin does */
	if (!(fabs(turns) < INTEGRAL_FROM))
		return turns - turns; /* NaN for inf and NaN, else 0 */
	/* Each step below is exact: r keeps the fractional bits of turns. */
	r = turns - (double)(int64_t)turns; /* (-1, 1) */
	if (r > 0.5)
		r -= 1.0;
	else if (r < -0.5)
		r += 1.0; /* [-1/2, 1/2] */
	if (r > 0.25)
		r = 0.5 - r; /* sin(pi - a) = sin(a) */
	else if (r < -0.25)
		r = -0.5 - r; /* [-1/4, 1/4] */
	return sin_half_pi(two_pi * r);
}
