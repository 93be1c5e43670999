#!/bin/sh
# LwM2M 1.1 composite operations end to end: Read-Composite (FETCH /),
# Write-Composite (iPATCH /), Observe-Composite (FETCH / with Observe) and
# Send (POST /dp) between the real daemon and our test server.  Test names
# follow the OMA Enabler Test cases (../shared/LWM2M-FACTS.md).
set -u
. "${top_srcdir:?}/tests/integration/lib.sh"
tmp=$(mktemp -d)
. "$top_srcdir/tests/integration/server_lib.sh"
trap 'ts_cleanup; [ -n "$bridge_pid" ] && kill -KILL "$bridge_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# last_line NAME PATTERN: the last event line that matches.
last_line() { grep -- "$2" "$tmp/$1.out" | tail -1; }

# expect_in LINE TEXT DESCRIPTION: LINE contains TEXT (fixed string).
expect_in() {
	case $1 in
	*"$2"*) ok "$3" ;;
	*) not_ok "$3" "no '$2' in: $1" ;;
	esac
}

ts_start a 0
bridge_conf "$tmp/a.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$a_port\"; lifetime = 60; }"
start_bridge -c "$tmp/a.conf"
ts_wait a 1 "^REGISTER ep=gw-test .*lwm2m=1.1" "registered with LwM2M 1.1"

# --- Read-Composite.
ts_cmd a read-composite gw-test senml-json /3/0/0 /3303/0/5700 /1/0/1
ts_wait a 1 "^RESPONSE .* op=read-composite path=/3/0/0,/3303/0/5700,/1/0/1 code=2.05 cf=110 " \
	"test_ets_229: Read-Composite of three resources is answered 2.05 in SenML JSON"
line=$(last_line a "op=read-composite path=/3/0/0,")
expect_in "$line" '"n":"1/0/1","v":60}' "test_ets_229: the Lifetime is in the answer"
expect_in "$line" '"n":"3/0/0","vs":"' "test_ets_229: the Manufacturer is in the answer"
expect_in "$line" '"n":"3303/0/5700","v":' "test_ets_229: the temperature is in the answer"

ts_cmd a read-composite gw-test senml-cbor /3303/0/5700 /3304/0/5700
ts_wait a 1 "^RESPONSE .* op=read-composite path=/3303/0/5700,/3304/0/5700 code=2.05 cf=112 len=[0-9]* hex=82" \
	"test_ets_235: Read-Composite in SenML CBOR: an array of two records"

ts_cmd a read-composite gw-test senml-json /3304 /3303/0 /1/0/1
ts_wait a 1 "^RESPONSE .* op=read-composite path=/3304,/3303/0,/1/0/1 code=2.05 cf=110 " \
	"test_ets_236: object, instance and resource paths mixed"
line=$(last_line a "op=read-composite path=/3304,")
expect_in "$line" '"n":"3304/0/5700"' "test_ets_236: the object path brings its instances' resources"
expect_in "$line" '"n":"3303/0/5701"' "test_ets_236: the instance path brings its resources"

ts_cmd a read-composite gw-test senml-json /3303/0/5700 /3303/9 /3/0/9999
ts_wait a 1 "^RESPONSE .* op=read-composite path=/3303/0/5700,/3303/9,/3/0/9999 code=2.05 cf=110 .*payload=\[{\"bn\":\"/\",\"n\":\"3303/0/5700\",\"v\":[-0-9.e]*}\]$" \
	"test_ets_280: missing paths are left out, the others answered"

ts_cmd a write-composite gw-test senml-json '[{"n":"/3/0"'
ts_wait a 1 "^RESPONSE .* op=write-composite path=/ code=4.00" \
	"test_ets_281: a malformed Write-Composite payload is refused with 4.00"
ts_cmd a write-composite gw-test text hello
ts_wait a 1 "^RESPONSE .* op=write-composite path=/ code=4.15" \
	"test_ets_281: a Write-Composite in text/plain is refused with 4.15"

# --- Write-Composite.
ts_cmd a write-composite gw-test senml-json '[{"bn":"/3303/0/","n":"5750","vs":"t-one"},{"bn":"/3304/0/","n":"5750","vs":"h-one"}]'
ts_wait a 1 "^RESPONSE .* op=write-composite path=/ code=2.04" \
	"test_ets_230: Write-Composite of two resources is answered 2.04"
ts_cmd a read-composite gw-test senml-json /3303/0/5750 /3304/0/5750
ts_wait a 1 "^RESPONSE .* op=read-composite path=/3303/0/5750,/3304/0/5750 code=2.05 .*payload=\[{\"bn\":\"/\",\"n\":\"3303/0/5750\",\"vs\":\"t-one\"},{\"n\":\"3304/0/5750\",\"vs\":\"h-one\"}\]" \
	"test_ets_230: both values were written"
# 5700 is read-only: the whole write fails and 5750 keeps its value.
ts_cmd a write-composite gw-test senml-json '[{"n":"/3303/0/5750","vs":"t-two"},{"n":"/3304/0/5700","v":1}]'
ts_wait a 1 "^RESPONSE .* op=write-composite path=/ code=4.05" \
	"test_ets_257: Write-Composite with a read-only resource is refused with 4.05"
ts_cmd a read-composite gw-test senml-json /3303/0/5750
ts_wait a 1 "^RESPONSE .* op=read-composite path=/3303/0/5750 code=2.05 .*\"vs\":\"t-one\"" \
	"test_ets_257: the failed Write-Composite changed nothing"

# --- Observe-Composite: one observation over two paths of two objects.
ts_cmd a observe-composite gw-test senml-json /3303/0/5700 /3304/0/5700
ts_wait a 1 "^RESPONSE .* op=observe-composite path=/3303/0/5700,/3304/0/5700 code=2.05 obs=[0-9]* cf=110 " \
	"test_ets_304: Observe-Composite is answered 2.05 with an Observe option"
ts_wait a 2 "^NOTIFY .* op=observe-composite path=/3303/0/5700,/3304/0/5700 code=2.05 obs=[0-9]* cf=110 .*\"n\":\"3303/0/5700\".*\"n\":\"3304/0/5700\"" \
	"test_ets_304: each notification carries both paths' values" 6
ts_cmd a cancel-composite gw-test /3303/0/5700 /3304/0/5700
ts_wait a 1 "^RESPONSE .* op=cancel-composite path=/3303/0/5700,/3304/0/5700 code=2.05 " \
	"test_ets_305: the cancelling FETCH (Observe 1) is answered 2.05"
# The server forgets the token with the answer: a notification after it
# would show as NOTIFY or "ERROR op=notify tok=T reason=unknown-token".
tok=$(last_line a "^RESPONSE .* op=cancel-composite path=/3303/0/5700,/3304/0/5700 " | sed 's/^RESPONSE tok=\([0-9a-f]*\) .*/\1/')
at=$(grep -n "^RESPONSE .* op=cancel-composite path=/3303/0/5700,/3304/0/5700 " "$tmp/a.out" | tail -1 | cut -d: -f1)
sleep 4 # both values change every second
expect_status_of "$(tail -n "+$((at + 1))" "$tmp/a.out" | grep -c " tok=$tok ")" 0 \
	"test_ets_305: no notification after the cancel"

# --- 310: values that change only when written: a Write notifies.
ts_cmd a observe-composite gw-test senml-cbor /3303/0/5750 /3304/0/5750
ts_wait a 1 "^RESPONSE .* op=observe-composite path=/3303/0/5750,/3304/0/5750 code=2.05 obs=[0-9]* cf=112 " \
	"test_ets_310: Observe-Composite in SenML CBOR"
ts_cmd a write gw-test /3304/0/5750 h-three
# "h-three" in hex: 682d7468726565
ts_wait a 1 "^NOTIFY .* op=observe-composite path=/3303/0/5750,/3304/0/5750 code=2.05 obs=[0-9]* cf=112 .*hex=.*682d7468726565" \
	"test_ets_310: writing one observed resource notifies the new value" 6

stop_bridge
ts_wait a 1 "^DEREGISTER" "de-registered"
finish
