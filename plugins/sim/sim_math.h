/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The little floating-point arithmetic the sim plugin needs, so the plugin
 * does not link libm: libm is over half a megabyte of resident file pages
 * in a daemon whose own code needs none of it (bench_mem), and these four
 * functions are a few dozen lines.  All are pure, and none calls a libm
 * function even at -O0 (fabs and the classification macros are compiler
 * built-ins).
 */
#ifndef LWB_PLUGIN_SIM_MATH_H
#define LWB_PLUGIN_SIM_MATH_H

/* 10^n, exact, for 0 <= n <= 9 (SIM_DECIMALS_MAX); 0 for any other n. */
double sim_pow10(int n);

/* x rounded to the nearest integer, halfway cases away from zero: the
 * same value as round(x) for every double (-0.3 gives -0.0; infinities
 * and NaN come back unchanged). */
double sim_round(double x);

/*
 * Where t is within its period, as a fraction in [0, 1): what
 * fmod(t, period) / period gives, folded into [0, 1) for negative t.
 * period must be positive and finite.  The error is a few units in the
 * last place of t (not of the result), i.e. negligible for a clock in
 * milliseconds.  When t / period is not finite or is 2^52 or more, no bits
 * of t are left for the fraction: returns 0.
 */
double sim_phase(double t, double period);

/*
 * sin(2 pi turns).  The range reduction is done in turns, where it is
 * exact (dropping the integer part of a double loses nothing), so the
 * result is accurate to a few units in the last place for every argument:
 * within 1e-15 absolute over the whole range, and relative accuracy is
 * kept for tiny arguments (sim_sin_turns(1e-12) is 2 pi 1e-12 to the last
 * bits; bench_notify's asin() recovers the tick's millisecond from it).
 * Infinities and NaN give NaN.
 */
double sim_sin_turns(double turns);

#endif
