#!/bin/sh
# A build without DTLS (./configure --with-dtls=no, libcoap-3-notls): the
# daemon still registers, answers and notifies over plain CoAP, and a
# secure server in the configuration is refused by --check-config with the
# reason.  Skipped in builds with DTLS (the other tests cover those).
set -u
. "${top_srcdir:?}/tests/integration/lib.sh"
variant=$(sed -n 's/^#define BRIDGE_COAP_VARIANT "\(.*\)"$/\1/p' "$top_builddir/config.h")
if [ "$variant" != notls ]; then
	echo "SKIP: built with DTLS ($variant)"
	exit 77
fi
tmp=$(mktemp -d)
. "$top_srcdir/tests/integration/server_lib.sh"
trap 'ts_cleanup; [ -n "$bridge_pid" ] && kill -KILL "$bridge_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

if ! libs=$(ldd "$bridge" 2>&1); then
	not_ok "ldd lists the daemon's libraries" "$libs"
elif printf '%s\n' "$libs" | grep -q 'gnutls\|libssl\|libcrypto\|mbedtls\|wolfssl\|tinydtls'; then
	not_ok "no TLS library is linked" "$libs"
else ok "no TLS library is linked"; fi

bridge_conf "$tmp/s.conf" "{ short_server_id = 1; uri = \"coaps://127.0.0.1:5684\";
	security_mode = \"psk\"; psk_identity = \"gw\"; psk_key = \"00010203\"; }"
run_bridge -c "$tmp/s.conf" --check-config
expect_status 1 "coaps:// is refused without DTLS"
expect_output "uri: coaps:// needs DTLS/TLS, and this lwm2m-bridge was built without it (--with-dtls=no)" \
	"the error says why"

ts_start a 0
bridge_conf "$tmp/a.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$a_port\";
	send = { paths = [ \"/3/0/1\" ]; interval = 1; }; }"
start_bridge -c "$tmp/a.conf"
ts_wait a 1 "^REGISTER ep=gw-test " "plain CoAP: registered"
ts_cmd a read gw-test /3/0/1
ts_wait a 1 "^RESPONSE .* path=/3/0/1 code=2.05 cf=0 len=12 payload=lwm2m-bridge$" "plain CoAP: a Read"
ts_cmd a observe gw-test /3303/0/5700
ts_wait a 2 "^NOTIFY .* path=/3303/0/5700 code=2.05 " "plain CoAP: notifications" 6
ts_wait a 1 "^SEND ep=gw-test cf=112 " "plain CoAP: a Send report" 4
stop_bridge
expect_status_of "$status" 0 "stops cleanly"
ts_wait a 1 "^DEREGISTER " "de-registered"
finish
