#!/bin/sh
# The command line as an operator meets it: --check-config on good and bad
# files, --dump, and the daemon stopping on SIGTERM and re-reading its
# configuration on SIGHUP.  Uses the built binary and the source tree's
# object catalogue.
set -u
. "${top_srcdir:?}/tests/integration/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
objects="object_dirs = [ \"$top_srcdir/objects\" ];"

# The shipped example is valid.
run_bridge --check-config -c "$top_srcdir/etc/bridge.conf"
expect_status 0 "etc/bridge.conf validates"
expect_output "configuration is valid" "check-config says so"

# A misspelt key: exit 1, file:line and the key.
printf 'log_level = "info";\nendpont = "gw";\n' >"$tmp/typo.conf"
run_bridge --check-config -c "$tmp/typo.conf"
expect_status 1 "misspelt key is refused"
expect_output "$tmp/typo.conf:2: endpont: unknown key" "misspelt key names file:line and key"

# A string where a number belongs.
cat >"$tmp/type.conf" <<EOT
servers = (
  { short_server_id = 1;
    uri = "coap://127.0.0.1:5683";
    lifetime = "300"; }
);
EOT
run_bridge --check-config -c "$tmp/type.conf"
expect_status 1 "string for a number is refused"
expect_output "$tmp/type.conf:4: servers.\[0\].lifetime: expected an integer" \
	"string for a number names file:line and key"

# A file named with -c must exist.
run_bridge --check-config -c "$tmp/absent.conf"
expect_status 1 "missing -c file is an error"
expect_output "cannot open $tmp/absent.conf" "missing file is named"

# Unknown options and arguments.
run_bridge --no-such-option
expect_status 2 "unknown option is a usage error"

# --dump shows the core objects, with the secret key hidden.
# (A build without DTLS refuses coaps://: it shows a plain server.)
if grep -q '^#define BRIDGE_COAP_VARIANT "notls"' "$top_builddir/config.h"; then
	dtls=no
	server='{ short_server_id = 7; uri = "coap://127.0.0.1:5684"; lifetime = 300; }'
else
	dtls=yes
	server='{ short_server_id = 7; uri = "coaps://127.0.0.1:5684";
    security_mode = "psk"; psk_identity = "gw-1";
    psk_key = "000102030405060708090a0b0c0d0e0f"; lifetime = 300; }'
fi
cat >"$tmp/dump.conf" <<EOT
$objects
device = { manufacturer = "Acme Gateways"; serial_number = "SN-42"; };
servers = ( $server );
EOT
run_bridge --dump -c "$tmp/dump.conf"
expect_status 0 "--dump succeeds"
expect_output "/3 Device" "--dump lists the Device object"
expect_output "/3/0/0 *Manufacturer *Acme Gateways" "--dump shows the manufacturer"
expect_output "/3/0/2 *Serial Number *SN-42" "--dump shows the serial number"
expect_output "/1/0/1 *Lifetime *300 *s" "--dump shows the lifetime with its unit"
if [ "$dtls" = yes ]; then
	expect_output "/0/0/0 *LWM2M  Server URI *coaps://127.0.0.1:5684" "--dump shows the server URI"
	expect_output "/0/0/5 *Secret Key *(secret, 16 bytes)" "--dump hides the PSK"
	expect_no_output "000102030405" "--dump never prints key bytes"
else
	expect_output "/0/0/0 *LWM2M  Server URI *coap://127.0.0.1:5684" "--dump shows the server URI"
fi

# The daemon: runs until SIGTERM, exits 0; SIGHUP re-reads the file.
cp "$tmp/dump.conf" "$tmp/live.conf"
start_bridge -c "$tmp/live.conf"
wait_for_log "running" "daemon starts"
kill -HUP "$bridge_pid"
wait_for_log "reload: $tmp/live.conf is valid" "SIGHUP re-reads the configuration"
printf 'bogus = 1;\n' >>"$tmp/live.conf"
kill -HUP "$bridge_pid"
wait_for_log "reload: $tmp/live.conf:[0-9]*: bogus: unknown key" "SIGHUP reports a broken file and keeps running"
kill -0 "$bridge_pid"
expect_status_of $? 0 "daemon still running after a bad reload"
kill -TERM "$bridge_pid"
wait "$bridge_pid"
expect_status_of $? 0 "SIGTERM stops the daemon with status 0"
wait_for_log "stopping" "daemon logs its stop"

finish
