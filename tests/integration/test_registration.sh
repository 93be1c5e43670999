#!/bin/sh
# The Client Registration interface end to end: the real daemon against our
# own LwM2M server (tests/tools/lwm2m-test-server) on loopback.  Test names
# follow the OMA Enabler Test cases (../shared/LWM2M-FACTS.md).
set -u
. "${top_srcdir:?}/tests/integration/lib.sh"
tmp=$(mktemp -d)
. "$top_srcdir/tests/integration/server_lib.sh"
trap 'ts_cleanup; [ -n "$bridge_pid" ] && kill -KILL "$bridge_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

fast='communication_retry_timer = 1; communication_retry_count = 10;'

# --- 101 initial registration, 102 update, 104 trigger, 105 discarded
# --- update, 103 de-registration; Location-Path as two options.
ts_start a 0
bridge_conf "$tmp/a.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$a_port\"; lifetime = 4; $fast }"
start_bridge -c "$tmp/a.conf"
ts_wait a 1 "^REGISTER ep=gw-test lt=4 lwm2m=1.1 b=U id=1 " \
	"test_ets_101_initial_registration: Register with ep, lt, lwm2m, b"
links=$(sed -n 's/^REGISTER .* links=//p' "$tmp/a.out" | head -1)
case "$links" in
*"</3/0>"*"</3303/0>"*) ok "101: the link list names the Device and sim instances" ;;
*) not_ok "101: the link list names the Device and sim instances" "$links" ;;
esac
case "$links" in
*"</0"*) not_ok "101: the Security object is never listed" "$links" ;;
*) ok "101: the Security object is never listed" ;;
esac
if printf '%s' "$links" | grep -q '</[0-9]*/[0-9]*>;ver'; then
	not_ok "101: ver= only on object links" "$links"
else ok "101: ver= only on object links"; fi
case "$links" in
*"</3303>;ver=1.1"*) ok "101: ver= on an object whose version is not 1.0" ;;
*) not_ok "101: ver= on an object whose version is not 1.0" "$links" ;;
esac
wait_for_log "registered with coap://127.0.0.1:$a_port as gw-test, location /rd/1" \
	"the bridge logs its location"
ts_wait a 1 "^UPDATE id=1 ep=gw-test addr=" \
	"test_ets_102_registration_update: an Update before the 4 s lifetime ends" 6
ts_cmd a read gw-test /3/0
ts_wait a 1 "^RESPONSE .* path=/3/0 code=2.05 cf=112 " \
	"a server's Read of /3/0 arrives on the registration's session (SenML CBOR for 1.1)"
ts_cmd a read gw-test /3/0/0
ts_wait a 1 "^RESPONSE .* path=/3/0/0 code=2.05 cf=0 len=20 payload=lwm2m-bridge project" \
	"Read of one resource answers text/plain"
ts_cmd a read gw-test /0/0
ts_wait a 1 "^RESPONSE .* path=/0/0 code=4.01" "test_ets_221: the Security object is refused"
before=$(ts_count a "^UPDATE id=1 ")
ts_cmd a execute gw-test /1/0/8
ts_wait a 1 "^RESPONSE .* path=/1/0/8 code=2.04" "Execute /1/0/8 is answered 2.04"
ts_wait a $((before + 1)) "^UPDATE id=1 " \
	"test_ets_104_update_trigger: Execute /1/0/8 sends an Update" 3
ts_cmd a "execute gw-test /1/0/8 0='unterminated"
ts_wait a 1 "^RESPONSE .* path=/1/0/8 code=4.00" "malformed Execute arguments get 4.00"
ts_cmd a write gw-test /1/0/1 20
ts_wait a 1 "^RESPONSE .* path=/1/0/1 code=2.04" "Write of the Lifetime is answered 2.04"
ts_wait a 1 "^UPDATE id=1 ep=gw-test lt=20 " \
	"test_ets_107_extending_lifetime: the Update carries the new lt" 3
ts_cmd a read gw-test /1/0/1
ts_wait a 1 "^RESPONSE .* path=/1/0/1 code=2.05 cf=0 len=2 payload=20" \
	"the written Lifetime reads back"
ts_cmd a write gw-test /1/0/1 soon
ts_wait a 1 "^RESPONSE .* path=/1/0/1 code=4.00" "a Lifetime that is not a number gets 4.00"
ts_cmd a write gw-test /3/0/0 Acme
ts_wait a 1 "^RESPONSE .* path=/3/0/0 code=4.05" "a read-only resource refuses a Write with 4.05"
ts_cmd a write gw-test /1/0/1 4
ts_wait a 1 "^UPDATE id=1 ep=gw-test lt=4 " "and back to a 4 s lifetime" 3
ts_cmd a fail-updates 4.04 1
ts_wait a 1 "^REGISTER ep=gw-test .* replaces=1 " \
	"test_ets_105_discarded_update: 4.04 on Update makes a fresh Register" 6
stop_bridge
expect_status_of "$status" 0 "SIGTERM: exit status 0"
ts_wait a 1 "^DEREGISTER id=2 ep=gw-test" \
	"test_ets_103_de_registration: De-register on SIGTERM" 3

# --- Location-Path as ONE option with a slash inside (lwm2m-node-lib).
ts_start b 0 --location-style joined
bridge_conf "$tmp/b.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$b_port\"; lifetime = 4; $fast }"
start_bridge -c "$tmp/b.conf"
ts_wait b 1 "^REGISTER ep=gw-test .* loc=/rd/1 " "joined Location-Path: registered"
ts_wait b 1 "^UPDATE id=1 ep=gw-test" "joined Location-Path: the Update reaches /rd/1" 6
expect_status_of "$(ts_count b '^ERROR op=update')" 0 "joined Location-Path: no Update is refused"
stop_bridge
ts_wait b 1 "^DEREGISTER id=1" "joined Location-Path: De-register reaches /rd/1" 3

# --- A server restart: it forgets the registration; the next Update gets
# --- 4.04 and the bridge registers again with the new process.
ts_start c 0
bridge_conf "$tmp/c.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$c_port\"; lifetime = 4; $fast }"
start_bridge -c "$tmp/c.conf"
ts_wait c 1 "^REGISTER ep=gw-test" "restart: registered with the first server process"
ts_kill c
mv "$tmp/c.out" "$tmp/c-first.out"
ts_start c "$c_port"
ts_wait c 1 "^REGISTER ep=gw-test" \
	"restart: registered again with the restarted server within one Update period" 6
stop_bridge

# --- Back-off while the server is down, recovery when it comes up.
ts_start d 0
d_dead=$d_port
ts_kill d
bridge_conf "$tmp/d.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$d_dead\"; lifetime = 30; $fast }"
start_bridge -c "$tmp/d.conf"
wait_for_log "register failed .* attempt 2 of 10; retrying in" \
	"down: Register retried with back-off"
ts_start d "$d_dead"
ts_wait d 1 "^REGISTER ep=gw-test" "down: registered once the server is back" 10
wait_for_log "registered with coap://127.0.0.1:$d_dead" "down: the bridge logs the registration"
# Register attempts given up on before must not reach the server later.
sleep 3
expect_status_of "$(ts_count d '^REGISTER')" 1 \
	"down: exactly one registration, no stale Register retransmitted"
stop_bridge

# --- test_ets_950: two servers at once; a third one down delays nobody.
ts_start e1 0
ts_start e2 0
ts_start e3 0
e_dead=$e3_port
ts_kill e3
bridge_conf "$tmp/e.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$e_dead\"; lifetime = 30; $fast },
  { short_server_id = 2; uri = \"coap://127.0.0.1:$e1_port\"; lifetime = 30; },
  { short_server_id = 3; uri = \"coap://127.0.0.1:$e2_port\"; lifetime = 30; }"
start_bridge -c "$tmp/e.conf"
ts_wait e1 1 "^REGISTER ep=gw-test" "test_ets_950: registered with server 2" 3
ts_wait e2 1 "^REGISTER ep=gw-test" "test_ets_950: registered with server 3" 3
wait_for_log "server 1: register failed" "950: server 1 (down) is retried on its own"
stop_bridge
ts_wait e1 1 "^DEREGISTER" "950: de-registered from server 2" 3
ts_wait e2 1 "^DEREGISTER" "950: de-registered from server 3" 3

# --- test_ets_555: Disable (/1/x/4): De-register, Register again after the
# --- Disable Timeout.
ts_start f 0
bridge_conf "$tmp/f.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$f_port\"; lifetime = 30; disable_timeout = 2; $fast }"
start_bridge -c "$tmp/f.conf"
ts_wait f 1 "^REGISTER ep=gw-test" "555: registered"
ts_cmd f execute gw-test /1/0/4
ts_wait f 1 "^RESPONSE .* path=/1/0/4 code=2.04" "555: Disable is answered 2.04"
ts_wait f 1 "^DEREGISTER id=1" "555: then De-register" 3
ts_wait f 2 "^REGISTER ep=gw-test" "555: Register again after the 2 s Disable Timeout" 6
stop_bridge

# --- test_ets_108: queue mode (1.1: binding U plus the Q parameter).
ts_start g 0
bridge_conf "$tmp/g.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$g_port\"; lifetime = 30; binding = \"UQ\"; }"
start_bridge -c "$tmp/g.conf"
ts_wait g 1 "^REGISTER ep=gw-test lt=30 lwm2m=1.1 b=U Q=1 " \
	"test_ets_108_turning_on_queue_mode: Register with b=U and Q"
stop_bridge

# --- LwM2M 1.0 server: b=U, lwm2m=1.0, TLV for a multi-value Read.
ts_start h 0
bridge_conf "$tmp/h.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$h_port\"; lifetime = 30; lwm2m_version = \"1.0\"; }"
start_bridge -c "$tmp/h.conf"
ts_wait h 1 "^REGISTER ep=gw-test lt=30 lwm2m=1.0 b=U " "1.0: Register says lwm2m=1.0"
# Server and Device as a 1.0 client has them: 1.0, so no ver= (the DDFs
# are 1.2, which need LwM2M 1.2 and 1.1); IPSO 1.1 objects need only 1.0.
links=$(sed -n 's/^REGISTER .* links=//p' "$tmp/h.out" | head -1)
case "$links" in
*"</1>"* | *"</3>"*) not_ok "1.0: no ver= on the Server and Device objects" "$links" ;;
*"</1/0>"*"</3/0>"*"</3303>;ver=1.1"*) ok "1.0: no ver= on the Server and Device objects" ;;
*) not_ok "1.0: no ver= on the Server and Device objects" "$links" ;;
esac
ts_cmd h read gw-test /3/0
ts_wait h 1 "^RESPONSE .* path=/3/0 code=2.05 cf=11542 " "1.0: Read of an instance answers TLV"
stop_bridge

# --- An instance added or removed while registered: an Update with the new
# --- object list (and only then).
ts_start n 0
cat >"$tmp/n.conf" <<EOT
endpoint = "gw-test";
object_dirs = [ "$top_srcdir/objects" ];
plugin_dir = "$top_builddir/tests/plugins/.libs";
plugins = ( { plugin = "later"; settings = { add_ms = 1500; remove_ms = 1000; }; } );
servers = ( { short_server_id = 1; uri = "coap://127.0.0.1:$n_port"; lifetime = 60; } );
EOT
start_bridge -c "$tmp/n.conf"
ts_wait n 1 "^REGISTER ep=gw-test " "objects: registered"
expect_status_of "$(grep '^REGISTER' "$tmp/n.out" | grep -c '</3303/7>')" 0 \
	"objects: /3303/7 is not there at first"
ts_wait n 1 "^UPDATE id=1 ep=gw-test .*links=.*</3303>;ver=1.1,</3303/7>" \
	"objects: an instance added at run time sends an Update with the new list" 5
ts_wait n 2 "^UPDATE id=1 ep=gw-test .*links=" \
	"objects: its removal sends another Update" 5
last=$(grep '^UPDATE' "$tmp/n.out" | tail -1)
case "$last" in
*"</3303/7>"*) not_ok "objects: the last list no longer has /3303/7" "$last" ;;
*) ok "objects: the last list no longer has /3303/7" ;;
esac
stop_bridge

# --- Block-wise: a Read answer larger than one block goes as Block2.
ts_start k 0
cat >"$tmp/k.conf" <<EOT
endpoint = "gw-test";
object_dirs = [ "$top_srcdir/objects" ];
plugin_dir = "$top_builddir/plugins/sim/.libs";
plugins = ( { plugin = "sim"; settings = { seed = 7; sensors = (
  { type = "temperature"; count = 40; interval_ms = 60000; } ); }; } );
servers = ( { short_server_id = 1; uri = "coap://127.0.0.1:$k_port"; lifetime = 30; } );
EOT
start_bridge -c "$tmp/k.conf"
ts_wait k 1 "^REGISTER ep=gw-test" "block-wise: registered with 40 sensors"
ts_cmd k read gw-test /3303 senml-json
ts_wait k 1 "^RESPONSE .* path=/3303 code=2.05 cf=110 len=[0-9][0-9][0-9][0-9][0-9]* " \
	"block-wise: a Read of 40 instances (several kB) arrives whole"
if grep '^RESPONSE .* path=/3303 ' "$tmp/k.out" | grep -q '{"n":"39/5701","vs":"Cel"}]$'; then
	ok "block-wise: the last block holds the last instance"
else not_ok "block-wise: the last block holds the last instance" "$(grep RESPONSE "$tmp/k.out" | cut -c1-300)"; fi
stop_bridge

# --- Binding T: CoAP over TCP (LwM2M 1.1).
ts_start t 0 --tcp
bridge_conf "$tmp/t.conf" "{ short_server_id = 1; uri = \"coap+tcp://127.0.0.1:$t_port\"; lifetime = 4; binding = \"T\"; }"
start_bridge -c "$tmp/t.conf"
ts_wait t 1 "^REGISTER ep=gw-test lt=4 lwm2m=1.1 b=T " "TCP: Register with b=T over CoAP over TCP" 10
ts_wait t 1 "^UPDATE id=1 ep=gw-test" "TCP: an Update over the same connection" 6
ts_cmd t read gw-test /3/0/0
ts_wait t 1 "^RESPONSE .* path=/3/0/0 code=2.05 " "TCP: a Read over TCP"
stop_bridge
ts_wait t 1 "^DEREGISTER" "TCP: De-register" 3

# --- test_ets_401: PSK over DTLS (not in a build without DTLS).
if grep -q '^#define BRIDGE_COAP_VARIANT "notls"' "$top_builddir/config.h"; then
	echo "# skipped: test_ets_401 (built --with-dtls=no)"
else
ts_start p 0 --psk gw-psk:000102030405060708090a0b0c0d0e0f
bridge_conf "$tmp/p.conf" "{ short_server_id = 1; uri = \"coaps://127.0.0.1:$p_port\"; lifetime = 4; security_mode = \"psk\"; psk_identity = \"gw-psk\"; psk_key = \"000102030405060708090a0b0c0d0e0f\"; ack_timeout_ms = 1000; max_retransmit = 1; $fast }"
start_bridge -c "$tmp/p.conf"
ts_wait p 1 "^REGISTER ep=gw-test" "test_ets_401_psk: registered over DTLS with PSK" 10
ts_cmd p read gw-test /3/0/0
ts_wait p 1 "^RESPONSE .* path=/3/0/0 code=2.05 " "401: a Read over DTLS"
# The server restarts: its DTLS sessions are gone, the bridge's next
# Update goes unanswered; a fresh handshake and Register follow.
ts_kill p
mv "$tmp/p.out" "$tmp/p-first.out"
ts_start p "$p_port" --psk gw-psk:000102030405060708090a0b0c0d0e0f
ts_wait p 1 "^REGISTER ep=gw-test" \
	"401: after a DTLS server restart, a new handshake and Register" 20
stop_bridge
ts_wait p 1 "^DEREGISTER" "401: De-register over DTLS" 3
fi

finish
