#!/bin/sh
# No library is NEEDED only to sit in memory: the daemon and the sim
# plugin may list libm only if they call a function libm defines.  An
# unused libm is still mapped and touched at start-up and costs over half a
# megabyte of resident pages (tests/bench/bench_mem).  The daemon gets
# libm only when the compiler leaves a trunc() call (configure.ac,
# MATH_LIBS); the plugin has its own arithmetic (plugins/sim/sim_math.c).
set -u
. "${top_srcdir:?}/tests/integration/lib.sh"
for tool in readelf nm; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "SKIP: $tool not found"
		exit 77
	fi
done
sim="$top_builddir/plugins/sim/.libs/sim.so"

# defined_by LIB: the dynamic symbols LIB defines, unversioned, sorted.
defined_by() {
	nm -D --defined-only "$1" | awk '{ sub(/@.*/, "", $3); print $3 }' |
		sort -u
}

# The symbols file $1 imports that only libm defines (libc has a few of
# libm's functions too, ldexp and frexp among them: those need no libm).
libm_calls() {
	libs=$(ldd "$1" 2>/dev/null)
	libm=$(printf '%s\n' "$libs" | sed -n 's/^[[:space:]]*libm\.so\.[0-9]* => \([^ ]*\).*/\1/p')
	libc=$(printf '%s\n' "$libs" | sed -n 's/^[[:space:]]*libc\.so\.[0-9]* => \([^ ]*\).*/\1/p')
	: "${libm:=$(gcc -print-file-name=libm.so.6)}"
	: "${libc:=$(gcc -print-file-name=libc.so.6)}"
	defined_by "$libm" >"$tmp/libm"
	defined_by "$libc" >"$tmp/libc"
	nm -D --undefined-only "$1" | awk '{ sub(/@.*/, "", $2); print $2 }' |
		sort -u | comm -12 - "$tmp/libm" | comm -23 - "$tmp/libc" |
		tr '\n' ' ' | sed 's/ $//'
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
for f in "$bridge" "$sim"; do
	name=${f##*/}
	if ! needed=$(readelf -d "$f" 2>&1); then
		not_ok "$name: readelf -d" "$needed"
		continue
	fi
	needed=$(printf '%s\n' "$needed" | grep '(NEEDED)')
	calls=$(libm_calls "$f")
	if printf '%s\n' "$needed" | grep -q '(NEEDED).*\[libm\.so'; then
		if [ -n "$calls" ]; then
			ok "$name needs libm for: $calls"
		else
			not_ok "$name links libm but calls none of it" "$needed"
		fi
	elif [ -n "$calls" ]; then
		not_ok "$name calls libm ($calls) without linking it"
	else
		ok "$name does not link libm"
	fi
done
finish
