#!/bin/sh
# One entry point for a fresh Debian 12 machine (see README.md):
#   sh scripts/setup.sh run    install build deps, build, install into ./_install,
#                              and run the bridge on its built-in defaults
#                              against our own LwM2M server (scripts/demo.sh)
#   sh scripts/setup.sh test   install test deps, then run every test: unit and
#                              fuzz-seed tests under ASan+UBSan, a short libFuzzer
#                              run of every target, valgrind, and make distcheck
# As root it installs missing Debian packages with apt-get; as another user it
# names the packages to install and stops.
set -eu

mode=${1:-}
case "$mode" in
run | test) ;;
*)
	echo "usage: sh scripts/setup.sh run|test" >&2
	exit 2
	;;
esac

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
jobs=$(nproc 2>/dev/null || echo 2)

build_pkgs="gcc make autoconf automake libtool pkg-config libc6-dev
 libcoap3-dev libconfig-dev libmosquitto-dev libgpiod-dev libexpat1-dev
 libjson-c-dev libcbor-dev"
test_pkgs="libcmocka-dev clang libclang-rt-14-dev valgrind libcoap3-bin openssl"
# The interop tests run a third-party LwM2M server from the npm registry;
# a machine that has Node.js and npm already (from any source) keeps them.
command -v npm >/dev/null 2>&1 || test_pkgs="$test_pkgs nodejs npm"

install_packages() {
	missing=""
	for p in "$@"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null |
			grep -q '^install ok installed$' || missing="$missing $p"
	done
	[ -z "$missing" ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "setup: missing Debian packages:$missing" >&2
		echo "setup: install them with: sudo apt-get install$missing" >&2
		exit 1
	fi
	echo "setup: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $missing >/dev/null
}

bootstrap() {
	[ -x configure ] && [ configure -nt configure.ac ] && return 0
	autoreconf -fi >/dev/null 2>&1 || autoreconf -fi
}

# configure_in DIR ARGS...: (re)configure an out-of-tree build in DIR when
# its flags changed or it was never configured.
configure_in() {
	dir=$1
	shift
	mkdir -p "$dir"
	want="$*"
	if [ ! -f "$dir/Makefile" ] || [ "$(cat "$dir/.setup-flags" 2>/dev/null)" != "$want" ]; then
		(cd "$dir" && "$top/configure" -q "$@")
		echo "$want" >"$dir/.setup-flags"
	fi
}

if [ "$mode" = run ]; then
	install_packages $build_pkgs
	bootstrap
	configure_in build/run --prefix="$top/_install" --enable-werror
	make -s -C build/run -j"$jobs" install >/dev/null
	make -s -C build/run -j"$jobs" tests/tools/lwm2m-test-server >/dev/null
	exec sh "$top/scripts/demo.sh" "$top/_install/bin/lwm2m-bridge" \
		"$top/build/run/tests/tools/lwm2m-test-server"
fi

install_packages $build_pkgs $test_pkgs
bootstrap
status=0
summary=""
note() { summary="$summary$1\n"; }

# 1. Unit, codec and fuzz-seed tests under AddressSanitizer and UBSan.
configure_in build/asan --enable-werror --enable-asan --enable-ubsan
if make -s -C build/asan -j"$jobs" check; then note "asan+ubsan make check: ok"; else
	status=1
	note "asan+ubsan make check: FAILED"
	cat build/asan/test-suite.log 2>/dev/null | tail -60
fi

# 2. Every fuzz target for FUZZ_SECONDS (default 20) under libFuzzer.
configure_in build/fuzz CC=clang --enable-werror --enable-fuzzing --enable-asan --enable-ubsan
if make -s -C build/fuzz -j"$jobs" >/dev/null &&
	make -s -C build/fuzz fuzz FUZZ_SECONDS="${FUZZ_SECONDS:-20}"; then
	note "libFuzzer runs: ok"
else
	status=1
	note "libFuzzer runs: FAILED"
fi

# 3. make distcheck: a tarball that builds and passes its tests out of tree,
#    here with every test program run under valgrind.
configure_in build/dist --enable-werror
if make -s -C build/dist -j"$jobs" distcheck \
	LOG_COMPILER="$top/scripts/valgrind-test.sh"; then
	note "distcheck (tests under valgrind): ok"
else
	status=1
	note "distcheck (tests under valgrind): FAILED"
	find build/dist -name test-suite.log -path '*_build*' -exec tail -60 {} \; 2>/dev/null
fi

# 4. A build without DTLS (libcoap-3-notls), for routers that only need
#    plain CoAP: every test again (those that need DTLS skip, test_notls
#    runs), without sanitizers.
#    (A skipped test_notls would mean the DTLS libcoap was linked.)
configure_in build/notls --enable-werror --with-dtls=no
if make -s -C build/notls -j"$jobs" check >/dev/null &&
	grep -q '^:test-result: PASS' build/notls/tests/integration/test_notls.trs; then
	note "build without DTLS (--with-dtls=no), make check: ok"
else
	status=1
	note "build without DTLS (--with-dtls=no), make check: FAILED"
	tail -60 build/notls/test-suite.log 2>/dev/null
fi

printf "\nsetup: summary\n$summary"
# One closing line that counts the test programs of the sanitizer run.
pass=$(sed -n 's/^# PASS: *//p' build/asan/test-suite.log 2>/dev/null | head -1)
fail=$(sed -n 's/^# FAIL: *//p' build/asan/test-suite.log 2>/dev/null | head -1)
err=$(sed -n 's/^# ERROR: *//p' build/asan/test-suite.log 2>/dev/null | head -1)
[ "$status" -eq 0 ] || [ "${fail:-0}" != 0 ] || fail=1
echo "${pass:-0} passed, $(( ${fail:-0} + ${err:-0} )) failed"
exit $status
