#!/bin/sh
# The plugin SDK as an author outside the project meets it: install the
# bridge into a scratch root (make install DESTDIR=...), build the example
# plugin and its unit test from the installed headers, pkg-config files
# and mock library only, check that the plugin exports nothing but its
# descriptor, and load it in the daemon (--dump shows its instances).
# Writes only under a mktemp directory, so it runs in make distcheck.
set -u
. "${top_srcdir:?}/tests/integration/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
example="$top_srcdir/plugins/example"
cc=${CC:-cc}

# own_exports FILE: the dynamic symbols FILE defines (not the undefined
# ones it imports), one a line.
own_exports() {
	LC_ALL=C readelf --dyn-syms -W "$1" |
		awk '$5 == "GLOBAL" || $5 == "WEAK" { if ($7 != "UND") print $8 }' |
		sed 's/@.*//' | sort -u
}

# The in-tree build already hides everything but the descriptor.
intree="$top_builddir/plugins/example/.libs/example.so"
if [ -f "$intree" ]; then
	exports=$(own_exports "$intree")
	if [ "$exports" = "lwb_plugin" ]; then ok "in-tree example.so exports only lwb_plugin"
	else not_ok "in-tree example.so exports only lwb_plugin" "exports: $exports"; fi
else
	not_ok "in-tree example.so was built" "missing: $intree"
fi

# Install into a scratch root, with the prefix configure was given.
if make -C "$top_builddir" install DESTDIR="$tmp/root" >"$tmp/install.log" 2>&1; then
	ok "make install DESTDIR= succeeds"
else
	not_ok "make install DESTDIR= succeeds" "$(tail -20 "$tmp/install.log")"
	finish
fi
pcfile=$(find "$tmp/root" -name lwm2m-bridge-plugin.pc | head -1)
if [ -n "$pcfile" ]; then ok "lwm2m-bridge-plugin.pc is installed"; else
	not_ok "lwm2m-bridge-plugin.pc is installed"
	finish
fi
pcdir=$(dirname "$pcfile")
# pkg-config as an author would run it, pointed at the scratch root.
pc() {
	PKG_CONFIG_PATH="$pcdir${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}" \
		PKG_CONFIG_SYSROOT_DIR="$tmp/root" pkg-config "$@"
}
# Directories as installed (pkg-config implementations differ on whether
# the sysroot applies to --variable: ask without it).
pcvar() {
	PKG_CONFIG_PATH="$pcdir" pkg-config --variable="$1" lwm2m-bridge-plugin
}
libdir=$tmp/root$(pcvar libdir)
plugindir=$(pcvar plugindir)
case "$plugindir" in
*/lwm2m-bridge/plugins) ok "pkg-config names the plugin directory" ;;
*) not_ok "pkg-config names the plugin directory" "plugindir: $plugindir" ;;
esac
for h in plugin.h value.h mock_host.h; do
	found=$(find "$tmp/root" -path "*/include/lwm2m-bridge/$h")
	if [ -n "$found" ]; then ok "$h is installed"; else not_ok "$h is installed"; fi
done
if [ -f "$tmp/root$plugindir/example.so" ]; then ok "example.so is installed in plugindir"
else not_ok "example.so is installed in plugindir" "no $tmp/root$plugindir/example.so"; fi

# Build the example out of tree from its installed copy (an author may
# have no source tree): its one source file and pkg-config.
mkdir "$tmp/plugins" "$tmp/src"
examples=$(dirname "$(find "$tmp/root" -path '*/examples/example.c' | head -1)")
if cp "$examples/example.c" "$examples/test_plugin_example.c" "$tmp/src/" 2>/dev/null; then
	ok "the template and its test are installed with the examples"
else
	not_ok "the template and its test are installed with the examples"
	cp "$example/example.c" "$top_srcdir/tests/unit/test_plugin_example.c" "$tmp/src/"
fi
flags=$(pc --cflags --libs lwm2m-bridge-plugin)
status=$?
expect_status 0 "pkg-config --cflags --libs lwm2m-bridge-plugin"
out=$($cc -std=c11 -Wall -Wextra -Werror $flags -shared -fPIC \
	-fvisibility=hidden -o "$tmp/plugins/example.so" \
	"$tmp/src/example.c" 2>&1)
status=$?
expect_status 0 "the example builds out of tree"
exports=$(own_exports "$tmp/plugins/example.so")
if [ "$exports" = "lwb_plugin" ]; then ok "out-of-tree example.so exports only lwb_plugin"
else not_ok "out-of-tree example.so exports only lwb_plugin" "exports: $exports"; fi

# Its unit test against the installed mock library.  A sanitizer build
# installs an instrumented mock: link the same runtime then.
if pkg-config --exists cmocka; then
	san=""
	mock=$(find "$libdir" -name 'liblwm2m-bridge-mock.so*' | head -1)
	if nm -D "$mock" 2>/dev/null | grep -q __asan_; then san="$san -fsanitize=address"; fi
	if nm -D "$mock" 2>/dev/null | grep -q __ubsan_; then san="$san -fsanitize=undefined"; fi
	mflags=$(pc --cflags --libs lwm2m-bridge-mock cmocka)
	out=$($cc -std=c11 -Wall -Wextra -Werror $san -o "$tmp/test_example" \
		"$tmp/src/test_plugin_example.c" "$tmp/src/example.c" $mflags 2>&1)
	status=$?
	expect_status 0 "the example's unit test builds against the installed mock"
	out=$(LD_LIBRARY_PATH="$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" \
		"$tmp/test_example" 2>&1)
	status=$?
	expect_status 0 "the example's unit test passes against the installed mock"
else
	echo "# cmocka not found: the out-of-tree unit test is skipped"
fi

# The daemon loads the out-of-tree build and shows its instances.
cat >"$tmp/bridge.conf" <<EOT
object_dirs = [ "$top_srcdir/objects" ];
plugin_dir = "$tmp/plugins";
plugins = (
	{ plugin = "example"; name = "oot";
	  settings = { instances = 2; interval_ms = 1000; name_prefix = "room"; }; }
);
EOT
run_bridge --dump -c "$tmp/bridge.conf"
expect_status 0 "--dump with the out-of-tree example succeeds"
expect_output "/3303/0/5700 *Sensor Value *20" "--dump shows /3303/0's sensor value"
expect_output "/3303/1/5700 *Sensor Value *21" "--dump shows /3303/1's sensor value"
expect_output "/3303/1/5750 *Application Type *room-1" "--dump shows the configured names"

finish
