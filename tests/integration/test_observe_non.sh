#!/bin/sh
# Non-confirmable notifications end to end: the bridge sends NON unless a
# CON is due (confirmable_interval, RFC 7641 §4.5), and an RST answering a
# NON notification ends that observation (RFC 7641 §3.6) -- libcoap 4.3.1
# reports no such RST itself (bridge/coap_io_rst.c).
set -u
. "${top_srcdir:?}/tests/integration/lib.sh"
tmp=$(mktemp -d)
. "$top_srcdir/tests/integration/server_lib.sh"
trap 'ts_cleanup; [ -n "$bridge_pid" ] && kill -KILL "$bridge_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# The sim temperature (/3303/0/5700) and humidity (/3304/0/5700) change
# every second.  Default confirmable_interval (a day): every notification
# of this test is NON.
ts_start a 0 --show-type
bridge_conf "$tmp/a.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$a_port\"; lifetime = 60; }"
start_bridge -c "$tmp/a.conf"
ts_wait a 1 "^REGISTER ep=gw-test" "registered"

ts_cmd a observe gw-test /3303/0/5700
ts_cmd a observe gw-test /3304/0/5700
ts_wait a 2 "^NOTIFY type=NON .* path=/3304/0/5700 code=2.05 obs=" \
	"notifications are non-confirmable by default" 6
ts_wait a 2 "^NOTIFY type=NON .* path=/3303/0/5700 code=2.05 obs=" \
	"the other observation notifies NON too" 6
expect_status_of "$(ts_count a '^NOTIFY type=CON')" 0 \
	"no confirmable notification before confirmable_interval"

# cancel-rst: the next notification of /3304 (a NON one) is answered RST.
ts_cmd a cancel-rst gw-test /3304/0/5700
ts_wait a 1 "^RST .* path=/3304/0/5700" "the next NON notification gets an RST" 6
wait_for_log "observation cancelled by an RST to a notification" \
	"the bridge takes the RST to a NON notification as a cancel"
# RST lines carry no type: the notification it answered was a NON one,
# as every notification so far.
expect_status_of "$(ts_count a '^NOTIFY type=CON')" 0 \
	"the reset notification was non-confirmable"
# The test server forgets the token with its RST: a notification the
# bridge still sent for it would show as "ERROR op=notify tok=T".
tok=$(sed -n 's/^RST tok=\([0-9a-f]*\) .* path=\/3304\/0\/5700$/\1/p' "$tmp/a.out" | head -1)
t_before=$(ts_count a '^NOTIFY .* path=/3303/0/5700')
ts_wait a $((t_before + 4)) "^NOTIFY .* path=/3303/0/5700" \
	"the other observation goes on" 8
expect_status_of "$(ts_count a "^ERROR op=notify tok=${tok:-none} ")" 0 \
	"the RST to a NON notification ended that observation"
stop_bridge
ts_wait a 1 "^DEREGISTER" "de-registered"

# confirmable_interval = 2: NON in between, and a CON once the last
# acknowledged CON (or the observation's start) is 2 s old.
ts_start b 0 --show-type
bridge_conf "$tmp/b.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$b_port\"; lifetime = 60; confirmable_interval = 2; }"
start_bridge -c "$tmp/b.conf"
ts_wait b 1 "^REGISTER ep=gw-test" "registered (confirmable_interval 2)"
ts_cmd b observe gw-test /3303/0/5700
ts_wait b 2 "^NOTIFY type=CON .* path=/3303/0/5700 code=2.05 obs=" \
	"a confirmable notification at least every confirmable_interval" 10
first=$(grep -n '^NOTIFY type=CON' "$tmp/b.out" | head -1 | cut -d: -f1)
second=$(grep -n '^NOTIFY type=CON' "$tmp/b.out" | sed -n 2p | cut -d: -f1)
between=$(sed -n "${first:-1},${second:-1}p" "$tmp/b.out" | grep -c '^NOTIFY type=NON')
if [ "$between" -ge 1 ]; then ok "NON notifications between the confirmable ones ($between)"
else not_ok "NON notifications between the confirmable ones" "$(cut -c1-120 "$tmp/b.out")"; fi
stop_bridge

finish
