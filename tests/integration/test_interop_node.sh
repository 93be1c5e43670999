#!/bin/sh
# Interop with a third-party LwM2M server: lwm2m-node-lib 1.4.0 from the npm
# registry (tests/interop/).  It sees the bridge register (its Location-Path
# is ONE option "rd/N"), update, and de-register, and reads the Device
# object's resources in text/plain.  Skipped (77) without node/npm, except
# in CI, where the test command installs them and a skip would hide a gap.
set -u
. "${top_srcdir:?}/tests/integration/lib.sh"
peer_tmp=$(mktemp -d)
tmp=$peer_tmp
. "$top_srcdir/tests/interop/peer.sh"
. "$top_srcdir/tests/integration/server_lib.sh"
trap 'peer_cleanup; [ -n "$bridge_pid" ] && kill -KILL "$bridge_pid" 2>/dev/null; rm -rf "$peer_tmp"' EXIT

peer_install
peer_start node --read-timeout 5 0 || { not_ok "the npm server starts"; finish; }
port=$(peer_port)
ok "lwm2m-node-lib listens on 127.0.0.1:$port"

bridge_conf "$tmp/node.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$port\"; lifetime = 6; lwm2m_version = \"1.0\"; }"
start_bridge -c "$tmp/node.conf"
peer_wait '^REGISTER ep=gw-test lt=6 lwm2m=1.0 b=U links=.*</3/0>' &&
	ok "test_ets_101 (npm server): it accepts the Register" ||
	not_ok "test_ets_101 (npm server): it accepts the Register" "$(cat "$peer_out")"
wait_for_log "registered with coap://127.0.0.1:$port as gw-test, location /rd/1" \
	"the bridge keeps the one-option Location-Path rd/1 as /rd/1"
peer_wait '^READ ep=gw-test path=/3/0/0 value=lwm2m-bridge project$' &&
	ok "it reads /3/0/0 Manufacturer" || not_ok "it reads /3/0/0 Manufacturer" "$(cat "$peer_out")"
peer_wait '^READ ep=gw-test path=/3/0/1 value=lwm2m-bridge$' &&
	ok "it reads /3/0/1 Model Number" || not_ok "it reads /3/0/1 Model Number" "$(cat "$peer_out")"
peer_wait '^READ ep=gw-test path=/3/0/3 value=[0-9]' &&
	ok "it reads /3/0/3 Firmware Version" || not_ok "it reads /3/0/3 Firmware Version" "$(cat "$peer_out")"
peer_wait '^UPDATE ep=gw-test path=/rd/1' 80 &&
	ok "test_ets_102 (npm server): an Update reaches /rd/1 before the 6 s lifetime ends" ||
	not_ok "test_ets_102 (npm server): an Update reaches /rd/1" "$(cat "$peer_out")" "$(tail -20 "$bridge_log")"
stop_bridge
expect_status_of "$status" 0 "the bridge stops cleanly"
peer_wait '^DEREGISTER ep=gw-test path=/rd/1' 50 &&
	ok "test_ets_103 (npm server): De-register on SIGTERM" ||
	not_ok "test_ets_103 (npm server): De-register on SIGTERM" "$(cat "$peer_out")"
peer_stop >/dev/null
finish
