#!/bin/sh
# Plugins in the real daemon: the test plugins of tests/plugins loaded from
# the build tree, their values in --dump (through their read callbacks),
# a refused plugin that is optional (logged, the daemon runs) or required
# (start-up fails with the same line), failed reads and inits.
set -u
. "${top_srcdir:?}/tests/integration/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
dir="$top_builddir/tests/plugins/.libs"
head="object_dirs = [ \"$top_srcdir/objects\" ]; plugin_dir = \"$dir\"; servers = ();"

# Two instances of one plugin, each with its own settings and log tag.
cat >"$tmp/good.conf" <<EOT
$head
plugins = (
  { plugin = "good"; name = "kitchen"; settings = { value = 19.75; }; },
  { plugin = "good"; name = "cellar"; settings = { value = 11.5; iid = 4; }; }
);
EOT
run_bridge_for 20 --dump -c "$tmp/good.conf"
expect_status 0 "--dump with plugins succeeds"
expect_output "\[kitchen\] $dir/good.so: loaded good 1.2.3 (plugin ABI 1.0)" \
	"the load is logged with file, name, version and ABI"
expect_output "2 of 2 plugin instances loaded" "both instances load"
expect_output "/3303 Temperature (object version [0-9.]*, 2 instances)" \
	"--dump lists the plugins' object"
expect_output "/3303/0/5700 *Sensor Value *19.75" "first instance's value"
expect_output "/3303/4/5700 *Sensor Value *11.5" "second instance's value"
expect_output "/3303/0/5701 *Sensor Units *Cel" "a string resource"
expect_output "/3/0/0 *Manufacturer" "the core objects are still there"
expect_output "\[cellar\] fini after [1-9][0-9]* reads" \
	"values were read through the plugin, which is unloaded at exit"

# A plugin whose reads fail: a row says so, a log line says why.
cat >"$tmp/readerr.conf" <<EOT
$head
plugins = ( { plugin = "readerr"; name = "broken"; } );
EOT
run_bridge_for 20 --dump -c "$tmp/readerr.conf"
expect_status 0 "--dump survives failing reads"
expect_output "/3303/0/5700 *Sensor Value *(read failed: Input/output error)" \
	"a failed read shows in the VALUE column"
expect_output "warning: \[broken\] read of /3303/0/5700 failed: Input/output error (5.00 Internal Server Error)" \
	"a failed read is logged with the plugin's tag"

# A plugin built for another ABI, optional: one line, the daemon runs.
cat >"$tmp/abi.conf" <<EOT
$head
plugins = ( { plugin = "abi2"; name = "future"; }, { plugin = "good"; } );
EOT
line="$dir/abi2.so: built for plugin ABI 2.0, this daemon speaks 1.0: not loaded"
start_bridge -c "$tmp/abi.conf"
wait_for_log "running as .*1 plugin instance$" "daemon runs with the other plugin"
out=$(cat "$bridge_log")
expect_output "warning: \[future\] $line" "the refusal names the file and both versions"
expect_output_count 1 "abi2" "the refusal is one line"
kill -0 "$bridge_pid"
expect_status_of $? 0 "daemon still running after refusing a plugin"
kill -TERM "$bridge_pid"
wait "$bridge_pid"
expect_status_of $? 0 "SIGTERM stops it with status 0"
wait_for_log "\[good\] fini" "plugins are unloaded at exit"

# The same plugin, required: start-up fails with that line.
cat >"$tmp/abi-required.conf" <<EOT
$head
plugins = ( { plugin = "good"; }, { plugin = "abi2"; name = "future"; required = true; } );
EOT
run_bridge_for 20 -c "$tmp/abi-required.conf"
expect_status 1 "a refused required plugin fails start-up"
expect_output "err: \[future\] $line" "with the refusal line"
expect_output "start-up failed: a required plugin was not loaded" \
	"and says start-up failed"
expect_no_output "running" "the daemon never ran"
run_bridge_for 20 --dump -c "$tmp/abi-required.conf"
expect_status 1 "--dump fails the same way"

# Other refusals, one line each.
cat >"$tmp/bad.conf" <<EOT
$head
plugins = ( { plugin = "nosym"; }, { plugin = "small"; },
            { plugin = "ghost"; }, { plugin = "initfail"; } );
EOT
run_bridge_for 20 --dump -c "$tmp/bad.conf"
expect_status 0 "optional failures do not stop --dump"
expect_output "\[nosym\] $dir/nosym.so: no lwb_plugin symbol (not an lwm2m-bridge plugin?): not loaded" \
	"missing descriptor symbol"
expect_output "\[small\] $dir/small.so: built for plugin ABI 1.0, this daemon speaks 1.0: its descriptor has [0-9]* bytes, [0-9]* needed: not loaded" \
	"descriptor too small"
expect_output "\[ghost\] $dir/ghost.so: cannot load: cannot open shared object file: No such file or directory: not loaded" \
	"missing file, with dlerror's text"
expect_output "err: \[initfail\] cannot open /dev/nonexistent-bus" \
	"a failing init logs its reason"
expect_output "\[initfail\] $dir/initfail.so: init failed: No such device: not loaded" \
	"and the host its one line"
expect_no_output "/3303/" "nothing of the failed plugins remains"
expect_output "0 of 4 plugin instances loaded" "none loaded"

# The sim plugin with its demo defaults (what a fresh install shows): every
# simulated sensor appears with a value read through the core.
cat >"$tmp/sim.conf" <<EOT
object_dirs = [ "$top_srcdir/objects" ];
plugin_dir = "$top_builddir/plugins/sim/.libs";
plugins = ( { plugin = "sim"; } );
EOT
run_bridge_for 20 --dump -c "$tmp/sim.conf"
expect_status 0 "--dump with the sim plugin succeeds"
expect_output "1 of 1 plugin instance loaded" "sim loads"
expect_output "/3303/0/5700 *Sensor Value *-\\{0,1\\}[0-9][0-9.]*$" \
	"simulated temperature"
expect_output "/3303/0/5701 *Sensor Units *Cel" "with its unit"
expect_output "/3304/0/5700 *Sensor Value *[0-9][0-9.]*" "simulated humidity"
expect_output "/3200/0/5501 *Digital Input Counter *[0-9]" "simulated counter"
expect_output "/3300/0/5750 *Application Type *sine" "simulated sine"
expect_output "/3342/0/5500 *Digital Input State *\\(true\\|false\\)" \
	"simulated switch"

finish
