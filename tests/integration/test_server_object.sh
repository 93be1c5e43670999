#!/bin/sh
# The Server object's resources that steer Information Reporting, end to
# end: Notification Storing (/1/x/6) across a Disable (/1/x/4) and a new
# Register, the store's bound, and the default periods (/1/x/2, /1/x/3)
# written by the server.  Test names follow the OMA Enabler Test cases
# (../shared/LWM2M-FACTS.md).  The sim temperature (/3303/0/5700) changes
# every second.
set -u
. "${top_srcdir:?}/tests/integration/lib.sh"
tmp=$(mktemp -d)
. "$top_srcdir/tests/integration/server_lib.sh"
trap 'ts_cleanup; [ -n "$bridge_pid" ] && kill -KILL "$bridge_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# stale_obs NAME: the Observe numbers of the STALE lines, one per line.
stale_obs() {
	sed -n 's/^STALE tok=[0-9a-f]* obs=\([0-9]*\) .*/\1/p' "$tmp/$1.out"
}

# --- 560: notifications due while the server is disabled are stored and
# --- reported, in order, after the next Register.
ts_start a 0 --accept-stale
bridge_conf "$tmp/a.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$a_port\"; lifetime = 60; disable_timeout = 4; }"
start_bridge -c "$tmp/a.conf"
ts_wait a 1 "^REGISTER ep=gw-test .* id=1 " "560: registered"
ts_cmd a observe gw-test /3303/0/5700
ts_wait a 1 "^NOTIFY .* path=/3303/0/5700 code=2.05 obs=" "560: observed and notified" 6
ts_cmd a execute gw-test /1/0/4
ts_wait a 1 "^DEREGISTER id=1" "560: Disable de-registers" 5
during=$(ts_count a '^NOTIFY .* path=/3303/0/5700')
ts_wait a 1 "^REGISTER ep=gw-test .* id=2 " "560: registered again after the Disable Timeout" 10
ts_wait a 2 "^STALE tok=" \
	"test_ets_560: the notifications stored while disabled arrive after the Register" 5
expect_status_of "$(( $(ts_count a '^NOTIFY .* path=/3303/0/5700') - during ))" 0 \
	"560: no live notification reached the server while it was disabled"
reg2=$(grep -n '^REGISTER ep=gw-test .* id=2 ' "$tmp/a.out" | head -1 | cut -d: -f1)
stale1=$(grep -n '^STALE ' "$tmp/a.out" | head -1 | cut -d: -f1)
if [ -n "$reg2" ] && [ -n "$stale1" ] && [ "$stale1" -gt "$reg2" ]; then
	ok "560: nothing was sent while disabled: the stored ones follow the Register"
else not_ok "560: nothing was sent while disabled: the stored ones follow the Register" "$(cut -c1-120 "$tmp/a.out")"; fi
if stale_obs a | sort -n -c 2>/dev/null && [ "$(stale_obs a | sort -u | wc -l)" -eq "$(stale_obs a | wc -l)" ]; then
	ok "test_ets_560: in order, each Observe number once ($(stale_obs a | tr '\n' ' '))"
else not_ok "test_ets_560: in order, each Observe number once" "$(stale_obs a | tr '\n' ' ')"; fi
last_live=$(sed -n 's/^NOTIFY .* obs=\([0-9]*\) .*/\1/p' "$tmp/a.out" | tail -1)
first_stale=$(stale_obs a | head -1)
if [ "${first_stale:-0}" -gt "${last_live:-0}" ]; then ok "560: the stored ones continue the numbering"
else not_ok "560: the stored ones continue the numbering" "last live $last_live, first stored $first_stale"; fi
ts_wait a 1 "^STALE .* cf=0 len=[0-9]* payload=-\{0,1\}[0-9]" "560: a stored notification holds the value" 1

# --- Notification Storing off (/1/x/6 written false): nothing is kept.
ts_cmd a observe gw-test /3303/0/5700
ts_wait a 1 "^RESPONSE .* op=observe path=/3303/0/5700 code=2.05" "storing off: observed again"
ts_cmd a write gw-test /1/0/6 0
ts_wait a 1 "^RESPONSE .* op=write path=/1/0/6 code=2.04" "storing off: /1/0/6 written"
stale_before=$(ts_count a '^STALE ')
ts_cmd a execute gw-test /1/0/4
ts_wait a 1 "^DEREGISTER id=2" "storing off: Disable de-registers" 5
ts_wait a 1 "^REGISTER ep=gw-test .* id=3 " "storing off: registered again" 10
sleep 1.5
expect_status_of "$(( $(ts_count a '^STALE ') - stale_before ))" 0 \
	"storing off: no stored notification after the Register"
stop_bridge
ts_wait a 1 "^DEREGISTER id=3" "de-registered"

# --- The store is bounded: with notification_store_count = 2 only the two
# --- newest survive a 4 s Disable (about 4 changes).
ts_start b 0 --accept-stale
bridge_conf "$tmp/b.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$b_port\"; lifetime = 60; disable_timeout = 4; notification_store_count = 2; }"
start_bridge -c "$tmp/b.conf"
ts_wait b 1 "^REGISTER ep=gw-test .* id=1 " "bound: registered"
ts_cmd b observe gw-test /3303/0/5700
ts_wait b 1 "^NOTIFY .* path=/3303/0/5700 " "bound: notified" 6
ts_cmd b execute gw-test /1/0/4
ts_wait b 1 "^REGISTER ep=gw-test .* id=2 " "bound: registered again" 12
ts_wait b 2 "^STALE tok=" "bound: stored notifications arrive" 5
sleep 1.5
expect_status_of "$(ts_count b '^STALE ')" 2 "bound: exactly notification_store_count (2) were kept"
gap=$(stale_obs b | awk 'NR == 1 { a = $1 } NR == 2 { print $1 - a }')
last_live=$(sed -n 's/^NOTIFY .* obs=\([0-9]*\) .*/\1/p' "$tmp/b.out" | tail -1)
first_stale=$(stale_obs b | head -1)
if [ "${gap:-0}" -eq 1 ] && [ "$((first_stale - last_live))" -gt 1 ]; then
	ok "bound: the oldest were dropped, the newest kept (last live $last_live, kept $(stale_obs b | tr '\n' ' '))"
else not_ok "bound: the oldest were dropped, the newest kept" "last live $last_live, kept $(stale_obs b | tr '\n' ' ')"; fi
stop_bridge

# --- Default periods written by the server: /1/x/3 (Default Maximum
# --- Period) makes an unchanging resource notify every pmax seconds.
ts_start c 0
bridge_conf "$tmp/c.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$c_port\"; lifetime = 60; }"
start_bridge -c "$tmp/c.conf"
ts_wait c 1 "^REGISTER ep=gw-test" "default pmax: registered"
ts_cmd c observe gw-test /1/0/1
ts_wait c 1 "^RESPONSE .* op=observe path=/1/0/1 code=2.05 obs=" "default pmax: the Lifetime is observed"
sleep 2.5
expect_status_of "$(ts_count c '^NOTIFY .* path=/1/0/1')" 0 \
	"default pmax: no notification of an unchanged value without pmax"
ts_cmd c write gw-test /1/0/3 2
ts_wait c 1 "^RESPONSE .* op=write path=/1/0/3 code=2.04" "default pmax: /1/0/3 written"
ts_wait c 2 "^NOTIFY .* path=/1/0/1 code=2.05 obs=[0-9]* cf=0 len=2 payload=60" \
	"test_ets_556: the written Default Maximum Period applies to the observation" 7
# /1/x/2 (Default Minimum Period): the temperature, changing every second,
# then notifies at most every 3 s.
ts_cmd c write gw-test /1/0/3 0
ts_cmd c write gw-test /1/0/2 3
ts_wait c 1 "^RESPONSE .* op=write path=/1/0/2 code=2.04" "default pmin: /1/0/2 written"
ts_cmd c observe gw-test /3303/0/5700
ts_wait c 1 "^RESPONSE .* op=observe path=/3303/0/5700 code=2.05" "default pmin: observed"
sleep 6.5
n=$(ts_count c '^NOTIFY .* path=/3303/0/5700')
if [ "$n" -ge 1 ] && [ "$n" -le 3 ]; then ok "default pmin 3: 1 to 3 notifications in 6.5 s, not 6 ($n)"
else not_ok "default pmin 3: 1 to 3 notifications in 6.5 s, not 6" "got $n"; fi
ts_cmd c write gw-test /1/0/2 -1
ts_wait c 1 "^RESPONSE .* op=write path=/1/0/2 code=4.00" "a negative Default Minimum Period gets 4.00"
ts_cmd c write gw-test /1/0/6 maybe
ts_wait c 1 "^RESPONSE .* op=write path=/1/0/6 code=4.00" "a Notification Storing that is not a boolean gets 4.00"
stop_bridge

finish
