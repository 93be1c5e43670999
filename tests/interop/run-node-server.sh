#!/bin/sh
# Installs the pinned lwm2m-node-lib into a directory of the build tree (or
# a cache directory) and runs tests/interop/lwm2m-node-server.js from there.
# The source tree is never written: `make distcheck` makes it read-only.
#
# Usage: run-node-server.sh [--dir DIR] [--install-only] [--] [SERVER ARGS...]
#   --dir DIR       where package.json, the lock, node_modules and the server
#                   script go; default $LWM2M_INTEROP_DIR, else
#                   $top_builddir/tests/interop-node (not .../tests/interop:
#                   in an in-tree build that is the source directory)
#   --install-only  install (or find the install current) and exit
#   SERVER ARGS     passed to lwm2m-node-server.js, e.g. `0` or
#                   `--read-timeout 5 5683`
# The install is skipped when DIR holds an install made from the same
# package.json and package-lock.json (their SHA-256 in DIR/.installed).
# npm's download cache defaults to DIR/.npm-cache (set npm_config_cache to
# share one).  Concurrent callers on one DIR are serialised with flock(1).
#
# Exit status: 0 installed (--install-only); 2 usage; 3 npm install failed;
# 77 node or npm not found; otherwise the server's own status.
set -u

srcdir=$(cd "$(dirname "$0")" && pwd)
dir=${LWM2M_INTEROP_DIR:-}
install_only=0

while [ $# -gt 0 ]; do
	case $1 in
	--dir)
		[ $# -ge 2 ] || { echo "run-node-server.sh: --dir needs a value" >&2; exit 2; }
		dir=$2
		shift 2
		;;
	--install-only)
		install_only=1
		shift
		;;
	--)
		shift
		break
		;;
	*) break ;;
	esac
done

if [ -z "$dir" ]; then
	if [ -n "${top_builddir:-}" ]; then
		dir=$top_builddir/tests/interop-node
	else
		echo "run-node-server.sh: give --dir, LWM2M_INTEROP_DIR or top_builddir" >&2
		exit 2
	fi
fi

for tool in node npm; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "run-node-server.sh: $tool not found" >&2
		exit 77
	fi
done

mkdir -p "$dir" || exit 3
dir=$(cd "$dir" && pwd)
case $dir/ in
"$srcdir"/)
	echo "run-node-server.sh: refusing to install into the source tree ($dir)" >&2
	exit 2
	;;
esac

# sha256 of the manifest and lock in the source tree: the install's identity.
manifest_hash() {
	if [ -f "$srcdir/package-lock.json" ]; then
		cat "$srcdir/package.json" "$srcdir/package-lock.json"
	else
		cat "$srcdir/package.json"
	fi | sha256sum | cut -d' ' -f1
}

install() {
	want=$(manifest_hash)
	if [ -f "$dir/.installed" ] && [ "$(cat "$dir/.installed")" = "$want" ] &&
		[ -f "$dir/node_modules/lwm2m-node-lib/package.json" ]; then
		return 0
	fi
	rm -rf "$dir/node_modules" "$dir/.installed" "$dir/package-lock.json"
	cp "$srcdir/package.json" "$dir/package.json" || return 3
	chmod u+w "$dir/package.json"
	# Fail fast without a network instead of npm's minutes of retries.
	set -- --no-audit --no-fund --loglevel=error --fetch-retries=1 \
		--fetch-retry-mintimeout=2000 --fetch-retry-maxtimeout=10000 \
		--fetch-timeout=60000
	if [ -f "$srcdir/package-lock.json" ]; then
		cp "$srcdir/package-lock.json" "$dir/package-lock.json" || return 3
		chmod u+w "$dir/package-lock.json"
		(cd "$dir" && npm ci "$@") >&2 || return 3
	else
		(cd "$dir" && npm install "$@") >&2 || return 3
	fi
	echo "$want" >"$dir/.installed"
}

export npm_config_cache="${npm_config_cache:-$dir/.npm-cache}"
export npm_config_update_notifier=false
if command -v flock >/dev/null 2>&1; then
	(
		flock 9 || exit 3
		install
	) 9>"$dir/.lock"
	status=$?
else
	install
	status=$?
fi
[ "$status" -eq 0 ] || {
	echo "run-node-server.sh: npm install into $dir failed" >&2
	exit 3
}
[ "$install_only" -eq 1 ] && exit 0

# Run a copy beside node_modules, so require() finds the pinned library
# whatever the current directory; rename makes the copy atomic.
cp "$srcdir/lwm2m-node-server.js" "$dir/.server.js.$$" &&
	mv -f "$dir/.server.js.$$" "$dir/lwm2m-node-server.js" || exit 3
exec node "$dir/lwm2m-node-server.js" "$@"
