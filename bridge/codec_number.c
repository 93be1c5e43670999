/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Doubles to text without printf or strtod: they dominated the daemon's
 * own CPU per notification (formatting with %.15g, reading it back with
 * strtod, then formatting again with %.17g when it did not round-trip).
 *
 * The output is what "%.15g if it reads back, else %.17g" printed, except
 * that when 15 significant digits do not read back but 16 do, those 16
 * are printed (in %.17g's layout) instead of 17.  So it always reads back
 * to the same double and is never longer than before.
 *
 * How.  d = m * 2^e exactly (m, e integers).  The P-digit decimal nearest
 * to d is N * 10^s with s = X - P + 1 (X the decimal exponent of d):
 * N = round(m * 2^e / 10^s), computed exactly with a small big integer
 * (multiplications first, then the divisions, keeping a sticky bit for
 * what they drop; ties go to even, as glibc's printf does).  N * 10^s
 * reads back to d exactly when it lies within d's rounding interval, the
 * reals halfway to its neighbours (ties at the ends go to the even m,
 * as strtod does); that is checked exactly too, by comparing big
 * integers.  Short decimals (21.5, 0.25, 3.14) and whole numbers below
 * 10^15 take a fast path in plain double arithmetic.
 *
 * Assumes IEEE 754 binary64 doubles and round-to-nearest (the daemon
 * never changes the rounding mode).
 */
#include "config.h"

#include "record.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* ---- a small unsigned big integer ----------------------------------- */

/*
 * Large enough for every value below: at most 2^1135 (10^340, the scale
 * of the smallest subnormal at 17 digits) times 2^57 (2N + 1, 4m - 1),
 * or 2^1026 (the largest double, doubled) times 10^?, which stays below
 * 2^1100: about 1,190 bits, within the 1,280 of 40 limbs.
 */
#define BIG_LIMBS 40

struct big {
	uint32_t l[BIG_LIMBS]; /* little-endian limbs */
	unsigned n;	       /* limbs in use; l[n - 1] != 0 unless n == 0 */
};

static void big_set(struct big *b, uint64_t v)
{
	b->n = 0;
	while (v) {
		b->l[b->n++] = (uint32_t)v;
		v >>= 32;
	}
}

static void big_mul_small(struct big *b, uint32_t x)
{
	uint64_t carry = 0;

	for (unsigned i = 0; i < b->n; i++) {
		uint64_t t = (uint64_t)b->l[i] * x + carry;

		b->l[i] = (uint32_t)t;
		carry = t >> 32;
	}
	if (carry && b->n < BIG_LIMBS)
		b->l[b->n++] = (uint32_t)carry;
}

static const uint32_t pow10_u32[10] = {
	1,	10,	 100,	   1000,      10000,
	100000, 1000000, 10000000, 100000000, 1000000000,
};

static void big_mul_pow10(struct big *b, unsigned k)
{
	for (; k >= 9; k -= 9)
		big_mul_small(b, pow10_u32[9]);
	if (k)
		big_mul_small(b, pow10_u32[k]);
}

static void big_shl(struct big *b, unsigned k)
{
	unsigned w = k / 32, r = k % 32;

	if (b->n == 0)
		return;
	if (r) {
		uint32_t carry = 0;

		for (unsigned i = 0; i < b->n; i++) {
			uint32_t v = b->l[i];

			b->l[i] = v << r | carry;
			carry = v >> (32 - r);
		}
		if (carry && b->n < BIG_LIMBS)
			b->l[b->n++] = carry;
	}
	if (w) {
		if (b->n + w > BIG_LIMBS)
			w = BIG_LIMBS - b->n; /* not reached: see BIG_LIMBS */
		memmove(&b->l[w], &b->l[0], b->n * sizeof(b->l[0]));
		memset(&b->l[0], 0, w * sizeof(b->l[0]));
		b->n += w;
	}
}

/* b >>= k; *sticky is set if a one bit fell off. */
static void big_shr(struct big *b, unsigned k, bool *sticky)
{
	unsigned w = k / 32, r = k % 32;

	if (w >= b->n) {
		if (b->n)
			*sticky = true;
		b->n = 0;
		return;
	}
	for (unsigned i = 0; i < w; i++)
		if (b->l[i])
			*sticky = true;
	memmove(&b->l[0], &b->l[w], (b->n - w) * sizeof(b->l[0]));
	b->n -= w;
	if (r) {
		if (b->l[0] & ((UINT32_C(1) << r) - 1))
			*sticky = true;
		for (unsigned i = 0; i < b->n; i++) {
			uint32_t hi = i + 1 < b->n ? b->l[i + 1] : 0;

			b->l[i] = b->l[i] >> r | hi << (32 - r);
		}
	}
	while (b->n && b->l[b->n - 1] == 0)
		b->n--;
}

/* b /= x (x > 0); *sticky is set if there was a remainder. */
static void big_div_small(struct big *b, uint32_t x, bool *sticky)
{
	uint64_t rem = 0;

	for (unsigned i = b->n; i-- > 0;) {
		uint64_t cur = rem << 32 | b->l[i];

		b->l[i] = (uint32_t)(cur / x);
		rem = cur % x;
	}
	if (rem)
		*sticky = true;
	while (b->n && b->l[b->n - 1] == 0)
		b->n--;
}

static void big_div_pow10(struct big *b, unsigned k, bool *sticky)
{
	for (; k >= 9; k -= 9)
		big_div_small(b, pow10_u32[9], sticky);
	if (k)
		big_div_small(b, pow10_u32[k], sticky);
}

static int big_cmp(const struct big *a, const struct big *b)
{
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	for (unsigned i = a->n; i-- > 0;)
		if (a->l[i] != b->l[i])
			return a->l[i] < b->l[i] ? -1 : 1;
	return 0;
}

/* Compares x * 10^p10 * 2^p2 with y * 10^q10 * 2^q2 exactly. */
static int cmp_scaled(uint64_t x, int p10, int p2, uint64_t y, int q10, int q2)
{
	struct big a, b;
	int t10 = p10 < q10 ? p10 : q10, t2 = p2 < q2 ? p2 : q2;

	big_set(&a, x);
	big_mul_pow10(&a, (unsigned)(p10 - t10));
	big_shl(&a, (unsigned)(p2 - t2));
	big_set(&b, y);
	big_mul_pow10(&b, (unsigned)(q10 - t10));
	big_shl(&b, (unsigned)(q2 - t2));
	return big_cmp(&a, &b);
}

/* ---- decimal digits -------------------------------------------------- */

static const double pow10_dbl[23] = {
	1e0,  1e1,  1e2,  1e3,	1e4,  1e5,  1e6,  1e7,	1e8,  1e9,  1e10, 1e11,
	1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static uint64_t pow10_u64(unsigned k)
{
	uint64_t v = 1;

	while (k--)
		v *= 10;
	return v;
}

/* |d| = m * 2^e with m < 2^53; lower_closer when the gap to the next
 * double down is half the gap up (m a power of two, not the smallest
 * exponent). */
struct binary {
	uint64_t m;
	int e;
	bool lower_closer;
};

static struct binary decompose(double d)
{
	uint64_t bits;
	struct binary b;
	unsigned be;

	memcpy(&bits, &d, sizeof(bits));
	be = (unsigned)(bits >> 52) & 0x7ff;
	b.m = bits & ((UINT64_C(1) << 52) - 1);
	if (be == 0) {
		b.e = -1074; /* subnormal */
		b.lower_closer = false;
	} else {
		b.lower_closer = b.m == 0 && be > 1;
		b.m |= UINT64_C(1) << 52;
		b.e = (int)be - 1075;
	}
	return b;
}

/* round(m * 2^e / 10^s), ties to even; UINT64_MAX if 2^63 or more.
 * *side: the sign of (result * 10^s - |d|). */
static uint64_t scaled_round(const struct binary *b, int s, int *side)
{
	struct big t;
	bool sticky = false;
	uint64_t q;

	/* Twice the quotient, so its low bit is the half. */
	big_set(&t, b->m << 1);
	if (s < 0)
		big_mul_pow10(&t, (unsigned)-s);
	if (b->e > 0)
		big_shl(&t, (unsigned)b->e);
	else if (b->e < 0)
		big_shr(&t, (unsigned)-b->e, &sticky);
	if (s > 0)
		big_div_pow10(&t, (unsigned)s, &sticky);
	if (t.n > 2 || (t.n == 2 && t.l[1] >= UINT32_C(1) << 31))
		return UINT64_MAX; /* far too many digits: a larger scale */
	q = t.n > 0 ? t.l[0] : 0;
	if (t.n > 1)
		q |= (uint64_t)t.l[1] << 32;
	if ((q & 1) && (sticky || (q & 2))) {
		*side = 1;
		q += 2;
	} else {
		*side = (q & 1) || sticky ? -1 : 0;
	}
	return q >> 1;
}

/* N * 10^s, on this side of d (see scaled_round), reads back to d
 * (strtod's round-to-nearest-even). */
static bool reads_back(const struct binary *b, uint64_t n, int s, int side)
{
	bool even = (b->m & 1) == 0;
	int c;

	if (side == 0)
		return true;
	/* Above: not past the midpoint to the next double up,
	 * (2m + 1) * 2^(e - 1). */
	if (side > 0) {
		c = cmp_scaled(n, s, 0, 2 * b->m + 1, 0, b->e - 1);
		return c < 0 || (c == 0 && even);
	}
	/* Below: the midpoint down is (4m - 1) 2^(e - 2) when that gap is
	 * half as wide, else (2m - 1) 2^(e - 1). */
	if (b->lower_closer)
		c = cmp_scaled(n, s, 0, 4 * b->m - 1, 0, b->e - 2);
	else
		c = cmp_scaled(n, s, 0, 2 * b->m - 1, 0, b->e - 1);
	return c > 0 || (c == 0 && even);
}

/* The decimal exponent of |d| > 0 (floor(log10(|d|))), give or take 2:
 * nearest_digits() corrects it. */
static int decimal_exponent_estimate(const struct binary *b)
{
	int64_t e2 = b->e - 1, v;

	for (uint64_t m = b->m; m; m >>= 1)
		e2++;
	/* |d| lies in [2^e2, 2^(e2 + 1)); 1292913986 / 2^32 is log10(2)
	 * to 10 digits.  Floor division, also for negative e2. */
	v = e2 * 1292913986;
	return (int)(v >= 0 ? v / 4294967296
			    : -((-v + 4294967295) / 4294967296));
}

/* The p-digit decimal nearest |d|: *n (p digits, 10^(p-1) <= n < 10^p)
 * times 10^(*x - p + 1).  Returns its side of |d| (scaled_round). */
static int nearest_digits(const struct binary *b, int x_est, int p, uint64_t *n,
			  int *x)
{
	uint64_t lo = pow10_u64((unsigned)p - 1), hi = lo * 10;
	int side;
	uint64_t q = scaled_round(b, x_est - p + 1, &side);

	/* Too many digits: the estimate was too small, or rounding carried
	 * to 10^p (the next scale then gives 10^(p-1)). */
	while (q >= hi) {
		x_est++;
		q = scaled_round(b, x_est - p + 1, &side);
	}
	while (q < lo) {
		x_est--;
		q = scaled_round(b, x_est - p + 1, &side);
	}
	*n = q;
	*x = x_est;
	return side;
}

#ifdef __SIZEOF_INT128__
typedef unsigned __int128 u128;

/*
 * nearest_digits() and reads_back() at once, in 128-bit arithmetic, for
 * the range where it fits: e < 0 and a scale 10^s with -22 <= s <= 0
 * (values from about 1e-5 up to 2^52 at 17 digits: sensor readings).
 * With A = m * 10^-s and k = -e, |d| / 10^s = A / 2^k: N is A >> k
 * rounded by the remainder R, and N * 10^s reads back exactly when
 * 2 |N * 2^k - A| <= 10^-s (4 |..| below a power of two, whose lower
 * gap is half as wide), ties allowed for an even m: the same interval
 * as reads_back(), without big integers.  Returns false outside the
 * range (then nothing is set).
 */
static bool digits_u128(const struct binary *b, int x_est, int p, uint64_t *n,
			int *x, bool *ok)
{
	uint64_t lo = pow10_u64((unsigned)p - 1), hi = lo * 10;

	for (int tries = 0; tries < 4; tries++) {
		int s = x_est - p + 1, k = -b->e;
		u128 p10, a, r, half, q, dist;
		bool up;

		if (s > 0 || s < -22 || k < 1 || k > 120)
			return false;
		p10 = (u128)pow10_u64((unsigned)(-s > 19 ? 19 : -s));
		for (int i = 19; i < -s; i++)
			p10 *= 10;
		a = p10 * b->m; /* < 2^74 * 2^53 */
		q = a >> k;
		r = a & (((u128)1 << k) - 1);
		half = (u128)1 << (k - 1);
		up = r > half || (r == half && (q & 1));
		q += up;
		if (q >= hi) {
			x_est++;
			continue;
		}
		if (q < lo) {
			x_est--;
			continue;
		}
		if (r == 0) {
			*ok = true;
		} else {
			dist = up ? ((u128)1 << k) - r : r;
			dist *= !up && b->lower_closer ? 4 : 2;
			*ok = dist < p10 || (dist == p10 && (b->m & 1) == 0);
		}
		*n = (uint64_t)q;
		*x = x_est;
		return true;
	}
	return false;
}
#endif

/* The p-digit decimal nearest |d| (see nearest_digits) in *n and *x;
 * returns true if it reads back to d. */
static bool digits_at(const struct binary *b, int x_est, int p, uint64_t *n,
		      int *x)
{
	int side;
#ifdef __SIZEOF_INT128__
	bool ok;

	if (digits_u128(b, x_est, p, n, x, &ok))
		return ok;
#endif
	side = nearest_digits(b, x_est, p, n, x);
	return p >= 17 || reads_back(b, *n, *x - p + 1, side);
}

/* ---- layout ---------------------------------------------------------- */

/* Writes n's digits without trailing zeros; returns how many. */
static int digits_of(uint64_t n, char *out)
{
	char tmp[20];
	int k = 0, len;

	while (n && n % 10 == 0)
		n /= 10;
	do {
		tmp[k++] = (char)('0' + n % 10);
		n /= 10;
	} while (n);
	len = k;
	for (int i = 0; i < len; i++)
		out[i] = tmp[--k];
	return len;
}

/*
 * %g's layout of the digits dg[0..nd) (no trailing zeros, value
 * 0.dg * 10^(x + 1)) for precision p: an exponent when x < -4 or x >= p,
 * else plain.  Returns the length (out has room for 32).
 */
static int layout(bool neg, const char *dg, int nd, int x, int p, char *out)
{
	int o = 0;

	if (neg)
		out[o++] = '-';
	if (x < -4 || x >= p) {
		unsigned ax = (unsigned)(x < 0 ? -x : x);

		out[o++] = dg[0];
		if (nd > 1) {
			out[o++] = '.';
			memcpy(out + o, dg + 1, (size_t)nd - 1);
			o += nd - 1;
		}
		out[o++] = 'e';
		out[o++] = x < 0 ? '-' : '+';
		if (ax >= 100)
			out[o++] = (char)('0' + ax / 100);
		out[o++] = (char)('0' + ax / 10 % 10);
		out[o++] = (char)('0' + ax % 10);
	} else if (x < 0) {
		out[o++] = '0';
		out[o++] = '.';
		for (int i = -1; i > x; i--)
			out[o++] = '0';
		memcpy(out + o, dg, (size_t)nd);
		o += nd;
	} else {
		for (int i = 0; i <= x; i++)
			out[o++] = i < nd ? dg[i] : '0';
		if (nd > x + 1) {
			out[o++] = '.';
			memcpy(out + o, dg + x + 1, (size_t)(nd - x - 1));
			o += nd - x - 1;
		}
	}
	out[o] = '\0';
	return o;
}

/*
 * Short decimals in double arithmetic: n = round(|d| * 10^k) for the
 * smallest k in 0..7 with n / 10^k == |d|.  Both 10^k and n (< 2^53) are
 * exact doubles and IEEE division rounds correctly, so that test is the
 * very rounding strtod does on the decimal n * 10^-k: it reads back.  A
 * decimal of at most 15 digits that reads back is the 15-digit nearest
 * (the gap between 15-digit decimals is over 4 times the width of d's
 * rounding interval), so this is exactly %.15g's output, where %.15g
 * prints without an exponent (x >= -4).  Returns the length or 0.
 */
/* The integer nearest t (ties to even), 0 <= t < 2^53: nearbyint without
 * libm, which the daemon does not otherwise link (configure.ac).  t - n is
 * exact there. */
static uint64_t nearest_u53(double t)
{
	uint64_t n = (uint64_t)t;
	double frac = t - (double)n;

	return n + (frac > 0.5 || (frac == 0.5 && (n & 1)));
}

static int fast_short(double a, bool neg, char *out)
{
	if (a < 1e-4)
		return 0; /* %.15g has an exponent there */
	for (int k = 0; k <= 7; k++) {
		double t = a * pow10_dbl[k], r;
		uint64_t n;
		char dg[20];
		int nd, ndig = 0, x;

		if (t >= 0x1p53)
			return 0;
		n = nearest_u53(t);
		r = (double)n;
		if (r / pow10_dbl[k] != a || r == 0)
			continue;
		for (uint64_t v = n; v; v /= 10)
			ndig++;
		x = ndig - 1 - k;
		if (ndig > 15 || x < -4)
			return 0;
		nd = digits_of(n, dg);
		return layout(neg, dg, nd, x, 15, out);
	}
	return 0;
}

int codec_format_double(double d, char *buf, size_t cap)
{
	char tmp[32], dg[20];
	bool neg = signbit(d);
	double a = fabs(d);
	struct binary b;
	uint64_t n;
	int n_len, x, xe, p;

	if (!isfinite(d))
		return -EINVAL; /* no LwM2M format can carry NaN or infinity */
	if (a == 0) {
		n_len = neg ? 2 : 1;
		memcpy(tmp, neg ? "-0" : "0", (size_t)n_len + 1);
	} else if ((n_len = fast_short(a, neg, tmp)) == 0) {
		b = decompose(a);
		xe = decimal_exponent_estimate(&b);
		p = 15;
		if (!digits_at(&b, xe, 15, &n, &x)) {
			p = 17; /* the layout of %.17g */
			if (!digits_at(&b, xe, 16, &n, &x))
				digits_at(&b, xe, 17, &n, &x);
		}
		n_len = layout(neg, dg, digits_of(n, dg), x, p, tmp);
	}
	if ((size_t)n_len >= cap)
		return -ENOBUFS;
	memcpy(buf, tmp, (size_t)n_len + 1);
	return n_len;
}
