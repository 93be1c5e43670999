#!/bin/sh
# Information Reporting end to end: a server observes the sim plugin's
# values through the real daemon; notifications follow the attributes and
# stop on cancel; in Queue Mode they wait for the Update.  Test names follow
# the OMA Enabler Test cases (../shared/LWM2M-FACTS.md).
set -u
. "${top_srcdir:?}/tests/integration/lib.sh"
tmp=$(mktemp -d)
. "$top_srcdir/tests/integration/server_lib.sh"
trap 'ts_cleanup; [ -n "$bridge_pid" ] && kill -KILL "$bridge_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# token_of OP PATH: the token of the first answer to OP on PATH.
token_of() {
	grep "^RESPONSE .* op=$1 path=$2 " "$tmp/a.out" | head -1 |
		sed 's/^RESPONSE tok=\([0-9a-f]*\) .*/\1/'
}
# obs_of PATTERN N: the Observe number of the N-th line of a.out matching.
obs_of() { grep -- "$1" "$tmp/a.out" | sed -n "${2}p" | sed 's/.* obs=\([0-9]*\) .*/\1/'; }
# line_of PATTERN: the number of the first line of a.out matching.
line_of() { grep -n -- "$1" "$tmp/a.out" | head -1 | cut -d: -f1; }
# after LINE PATTERN: how many lines of a.out after LINE match (event
# lines start with a word, so " tok=T " matches every line about T).
after() { tail -n "+$(($1 + 1))" "$tmp/a.out" | grep -c -- "$2"; }

# The sim temperature (/3303/0/5700) changes every second.
ts_start a 0
bridge_conf "$tmp/a.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$a_port\"; lifetime = 60; }"
start_bridge -c "$tmp/a.conf"
ts_wait a 1 "^REGISTER ep=gw-test" "registered"

# --- 301: observe and notify.
ts_cmd a observe gw-test /3303/0/5700
ts_wait a 1 "^RESPONSE .* op=observe path=/3303/0/5700 code=2.05 obs=[0-9]* cf=0 .*payload=-\{0,1\}[0-9]" \
	"test_ets_301: the Observe is answered 2.05 with an Observe option and the value"
t_temp=$(token_of observe /3303/0/5700)
ts_wait a 2 "^NOTIFY tok=$t_temp ep=gw-test op=observe path=/3303/0/5700 code=2.05 obs=[0-9]* cf=0 len=[0-9]* payload=-\{0,1\}[0-9][0-9.]*$" \
	"test_ets_301: notifications with the request's token follow the value changes" 5
# The answer counts as the first notification: the numbers run on from it.
answer=$(obs_of "^RESPONSE tok=$t_temp .* op=observe " 1)
first=$(obs_of "^NOTIFY tok=$t_temp " 1)
second=$(obs_of "^NOTIFY tok=$t_temp " 2)
if [ "$first" = $((answer + 1)) ] && [ "$second" = $((answer + 2)) ]; then
	ok "test_ets_301: Observe numbers increase by one from the answer's"
else not_ok "test_ets_301: Observe numbers increase by one from the answer's" "$answer, $first, $second"; fi

# --- Write-Attributes: pmin 3 s holds notifications back.
ts_cmd a write-attr gw-test /3303/0/5700 'pmin=3'
ts_wait a 1 "^RESPONSE .* op=write-attr path=/3303/0/5700 code=2.04" "Write-Attributes pmin=3 is answered 2.04"
before=$(ts_count a '^NOTIFY .* path=/3303/0/5700')
sleep 6.5
n=$(( $(ts_count a '^NOTIFY .* path=/3303/0/5700') - before ))
if [ "$n" -ge 1 ] && [ "$n" -le 3 ]; then ok "pmin=3: 1 to 3 notifications in 6.5 s, not 6 ($n)"
else not_ok "pmin=3: 1 to 3 notifications in 6.5 s, not 6" "got $n"; fi
ts_cmd a write-attr gw-test /3303/0/5700 'lt=30&gt=20&st=1'
ts_wait a 1 "^RESPONSE .* op=write-attr path=/3303/0/5700 code=4.00" \
	"Write-Attributes with lt > gt is refused with 4.00"
ts_cmd a write-attr gw-test /3303/0 'gt=20'
ts_wait a 1 "^RESPONSE .* op=write-attr path=/3303/0 code=4.00" \
	"gt on an instance is refused with 4.00"

# --- 303: cancel with Observe 1: the answer is a plain 2.05 (no Observe
# --- option), and no notification follows it.  Another observation's
# --- notifications mark the time passing.
ts_cmd a cancel gw-test /3303/0/5700
ts_wait a 1 "^RESPONSE tok=$t_temp ep=gw-test op=cancel path=/3303/0/5700 code=2.05 cf=0 len=[0-9]* payload=" \
	"test_ets_303: the cancelling GET is answered 2.05 without an Observe option"
cancel_at=$(line_of "^RESPONSE tok=$t_temp .* op=cancel ")

# --- 302: cancel by RST to a notification.
ts_cmd a observe gw-test /3304/0/5700
ts_wait a 1 "^RESPONSE .* op=observe path=/3304/0/5700 code=2.05 obs=" "302: the humidity is observed"
t_hum=$(token_of observe /3304/0/5700)
ts_wait a 3 "^NOTIFY tok=$t_hum " "302: three humidity notifications" 10
# The server forgot the token with the answer: a notification would show
# as NOTIFY or as "ERROR op=notify tok=.. reason=unknown-token".
expect_status_of "$(after "$cancel_at" " tok=$t_temp ")" 0 \
	"test_ets_303: no notification after Observe 1"
ts_cmd a cancel-rst gw-test /3304/0/5700
ts_wait a 1 "^RST tok=$t_hum ep=gw-test path=/3304/0/5700$" "test_ets_302: the next notification gets an RST" 6
rst_at=$(line_of "^RST tok=$t_hum ")
# An observed instance (no attributes of its own: a notification a
# second) marks the time; each notification carries the whole instance.
ts_cmd a observe gw-test /3303/0 senml-json
ts_wait a 1 "^RESPONSE .* op=observe path=/3303/0 code=2.05 obs=" "302: the temperature instance is observed"
t_inst=$(token_of observe /3303/0)
ts_wait a 3 "^NOTIFY tok=$t_inst ep=gw-test op=observe path=/3303/0 code=2.05 obs=[0-9]* cf=110 .*\"n\":\"5700\"" \
	"an instance-level observation notifies the instance in SenML JSON" 8
expect_status_of "$(after "$rst_at" " tok=$t_hum ")" 0 \
	"test_ets_302: the RST ended the observation: no notification after it"
expect_status_of "$(ts_count a "^NOTIFY tok=$t_hum .* code=[45]")" 0 \
	"302: the RST is not answered with an error notification"
stop_bridge
ts_wait a 1 "^DEREGISTER" "de-registered"

# --- 109: in Queue Mode the bridge sleeps after queue_timeout; a change
# --- then wakes it: Update first, the held notification after it.
ts_start q 0
bridge_conf "$tmp/q.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$q_port\"; lifetime = 60; binding = \"UQ\"; queue_timeout = 2; }"
start_bridge -c "$tmp/q.conf"
ts_wait q 1 "^REGISTER ep=gw-test .* Q=1 " "109: registered in Queue Mode"
ts_cmd q observe gw-test /3303/0/5700
ts_wait q 1 "^RESPONSE .* op=observe path=/3303/0/5700 code=2.05" "109: observed while awake"
# Every message it sends keeps the bridge awake for queue_timeout: with
# pmin 5 s the notifications leave it time to fall asleep in between.
ts_cmd q write-attr gw-test /3303/0/5700 'pmin=5'
ts_wait q 1 "^RESPONSE .* op=write-attr .* code=2.04" "109: pmin=5"
wait_for_log "registration: registered -> sleeping" "109: the bridge sleeps after the queue timeout"
ts_wait q 1 "^UPDATE id=1 ep=gw-test" "test_ets_109: a change wakes it with an Update" 10
upd=$(grep -n '^UPDATE id=1' "$tmp/q.out" | head -1 | cut -d: -f1)
note=$(grep -n "^NOTIFY .* path=/3303/0/5700" "$tmp/q.out" | awk -F: -v u="${upd:-999999}" '$1 > u {print $1; exit}')
if [ -n "$upd" ] && [ -n "$note" ]; then ok "test_ets_109: the held notification follows the Update"
else not_ok "test_ets_109: the held notification follows the Update" "$(cut -c1-160 "$tmp/q.out")"; fi
stop_bridge

finish
