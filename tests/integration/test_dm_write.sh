#!/bin/sh
# Device Management end to end: Write in every format, partial update,
# replace, resource instances, write failure, Create and Delete, against
# the real daemon and tests/tools/lwm2m-test-server.  Test names follow the
# OMA Enabler Test cases (../shared/LWM2M-FACTS.md).  Objects: the Server
# instance /1/0 (lifetime etc. writable), the sim plugin's Digital Output
# /3201/0, and the Addressable Text Display 3341 and Bitmap 3349, which no
# plugin serves (data-only instances a server creates and deletes).
set -u
. "${top_srcdir:?}/tests/integration/lib.sh"
tmp=$(mktemp -d)
. "$top_srcdir/tests/integration/server_lib.sh"
trap 'ts_cleanup; [ -n "$bridge_pid" ] && kill -KILL "$bridge_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

ts_start a 0
bridge_conf "$tmp/a.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$a_port\"; lifetime = 60; }"
start_bridge -c "$tmp/a.conf"
ts_wait a 1 "^REGISTER ep=gw-test" "registered"

# expect_rsp OP PATH CODE DESCRIPTION: one more answer to OP on PATH with
# CODE than before.
expect_rsp() {
	n=$(( $(ts_count a "^RESPONSE .* op=$1 path=$2 code=$3") + 1 ))
	ts_cmd a "$1 gw-test $2"
	ts_wait a "$n" "^RESPONSE .* op=$1 path=$2 code=$3" "$4"
}

# do_rsp OP PATH ARGS CODE DESCRIPTION [PATTERN]: the same for OP with
# ARGS, the answer also matching PATTERN.
do_rsp() {
	pat="^RESPONSE .* op=$1 path=$2 code=$4${6:+ .*$6}"
	n=$(( $(ts_count a "$pat") + 1 ))
	ts_cmd a "$1 gw-test $2 $3"
	ts_wait a "$n" "$pat" "$5"
}

# --- 205/212/215/220/233/234: set basic information (Write /1/0/1 Lifetime)
# --- in each format; each is read back, and the Update carries lt=.
do_rsp write /1/0/1 "61 text" 2.04 "test_ets_205: Write in text is answered 2.04"
ts_wait a 1 "^UPDATE id=1 ep=gw-test lt=61 " "test_ets_205: the new lifetime goes out in an Update"
do_rsp read /1/0/1 "text" 2.05 "test_ets_205: the lifetime reads back" "payload=61$"
do_rsp write /1/0/1 "hex:c1013e tlv" 2.04 "test_ets_212: Write in TLV is answered 2.04"
do_rsp read /1/0/1 "text" 2.05 "test_ets_212: the lifetime reads back" "payload=62$"
do_rsp write /1/0/1 '{"bn":"/1/0/","e":[{"n":"1","v":63}]} json' 2.04 \
	"test_ets_215: Write in LwM2M JSON is answered 2.04"
do_rsp read /1/0/1 "text" 2.05 "test_ets_215: the lifetime reads back" "payload=63$"
do_rsp write /1/0/1 '[{"bn":"/1/0/","n":"1","v":64}] senml-json' 2.04 \
	"test_ets_233: Write in SenML JSON is answered 2.04"
do_rsp read /1/0/1 "text" 2.05 "test_ets_233: the lifetime reads back" "payload=64$"
do_rsp write /1/0/1 "hex:81a321652f312f302f0061310218 senml-cbor" 4.00 \
	"test_ets_234: truncated SenML CBOR is refused with 4.00"
do_rsp write /1/0/1 "hex:81a321652f312f302f006131021841 senml-cbor" 2.04 \
	"test_ets_234: Write in SenML CBOR is answered 2.04"
do_rsp read /1/0/1 "text" 2.05 "test_ets_234: the lifetime reads back" "payload=65$"
ts_wait a 1 "^UPDATE id=1 ep=gw-test lt=65 " "test_ets_234: the last lifetime goes out in an Update"
# 220: plain CBOR (60) on a single resource: 66 is 18 42 (unsigned, one
# byte follows); a CBOR text string where an integer belongs is 4.00.
do_rsp write /1/0/1 "hex:1842 cbor" 2.04 "test_ets_220: Write in CBOR is answered 2.04"
do_rsp read /1/0/1 "cbor" 2.05 "test_ets_220: the lifetime reads back in CBOR" "cf=60 len=2 hex=1842$"
do_rsp write /1/0/1 "hex:623636 cbor" 4.00 "test_ets_220: a CBOR text string for an integer is 4.00"
do_rsp read /1/0/1 "text" 2.05 "test_ets_220: the refused write changed nothing" "payload=66$"
# A plugin's writable resource: the sim Digital Output State, in TLV.
do_rsp write /3201/0/5550 "hex:e115ae01 tlv" 2.04 "test_ets_212: TLV Write of /3201/0/5550 (sim output)"
do_rsp read /3201/0/5550 "text" 2.05 "test_ets_212: the output state reads back" "payload=1$"

# --- 256: write failure: a bad value is 4.00 and changes nothing.
do_rsp write /1/0/1 "abc text" 4.00 "test_ets_256: a Lifetime of \"abc\" is refused with 4.00"
do_rsp write /1/0 '[{"bn":"/1/0/","n":"2","v":7},{"n":"1","vs":"x"}] senml-json' 4.00 \
	"test_ets_256: a replace with one bad record is refused with 4.00"
do_rsp read /1/0 "senml-json" 2.05 "test_ets_256: nothing of it was applied" \
	'"n":"1","v":66},{"n":"2","v":0}'
do_rsp write /1/0/0 "5 text" 4.05 "test_ets_256: the read-only Short Server ID is 4.05"
do_rsp write /1/0 '[{"bn":"/1/0/","n":"0","v":5}] senml-json' 4.05 \
	"test_ets_256: a read-only resource in an instance Write is 4.05"
do_rsp write /1/0 "x text" 4.15 "test_ets_256: text on an instance is 4.15"

# --- 226: partial update of /1/0: only the given resources change.
do_rsp write-update /1/0 '[{"bn":"/1/0/","n":"2","v":5},{"n":"3","v":30}] senml-json' 2.04 \
	"test_ets_226: partial update of /1/0 is answered 2.04"
do_rsp read /1/0 "senml-json" 2.05 "test_ets_226: pmin and pmax changed, lifetime kept" \
	'"n":"1","v":66},{"n":"2","v":5},{"n":"3","v":30}'

# --- 270: Create with an instance id; the Update lists it.
do_rsp create /3341 '[{"bn":"/3341/5/","n":"5527","vs":"hi"},{"n":"5548","v":40}] senml-json' \
	2.01 "test_ets_270: Create /3341 with id 5 is answered 2.01" "loc=/3341/5 "
ts_wait a 1 "^UPDATE id=1 .*links=.*</3341/5>" "test_ets_270: the Update lists </3341/5>"
do_rsp read /3341/5/5527 "text" 2.05 "test_ets_270: the new instance reads back" "payload=hi$"
do_rsp create /3341 '[{"bn":"/3341/5/","n":"5527","vs":"again"}] senml-json' 4.00 \
	"test_ets_270: Create of an existing instance is 4.00"
do_rsp create /3341 '[{"bn":"/3341/6/","n":"5548","v":1}] senml-json' 4.00 \
	"test_ets_270: Create without the mandatory Text is 4.00"
do_rsp create /3303 '[{"bn":"/3303/9/","n":"5750","vs":"x"}] senml-json' 4.05 \
	"test_ets_270: Create on an object a plugin serves is 4.05"
do_rsp create /1 '[{"bn":"/1/9/","n":"0","v":9}] senml-json' 4.01 \
	"test_ets_270: Create of a Server instance by an LwM2M Server is 4.01"

# --- 271: Create without an instance id (TLV of bare resources): the
# --- lowest free id, 0.
upd=$(ts_count a "^UPDATE id=1 .*links=.*</3341/0>")
do_rsp create /3341 "hex:e1159778 tlv" 2.01 "test_ets_271: Create without id is answered 2.01" \
	"loc=/3341/0 "
ts_wait a $((upd + 1)) "^UPDATE id=1 .*links=.*</3341/0>" "test_ets_271: the Update lists </3341/0>"

# --- 227: replace /3341/0 (data-only): absent writable resources go.
do_rsp write-update /3341/0 '[{"bn":"/3341/0/","n":"5548","v":20}] senml-json' 2.04 "227: Level added by a partial update"
do_rsp write /3341/0 '[{"bn":"/3341/0/","n":"5527","vs":"new"}] senml-json' 2.04 \
	"test_ets_227: replace of /3341/0 is answered 2.04"
do_rsp read /3341/0 "senml-json" 2.05 "test_ets_227: the instance holds exactly the new Text" \
	'payload=\[{"bn":"/3341/0/","n":"5527","vs":"new"}\]$'
# A plugin's instance replaced: the output state and Application Type.
do_rsp write /3201/0 '[{"bn":"/3201/0/","n":"5550","vb":false},{"n":"5750","vs":"lamp"}] senml-json' 2.04 \
	"test_ets_227: replace of the sim output /3201/0 is answered 2.04"
do_rsp read /3201/0 "senml-json" 2.05 "test_ets_227: the sim output reads back" \
	'"n":"5550","vb":false},{"n":"5750","vs":"lamp"}'

# --- 228: a resource instance of the multiple Element Description.
do_rsp create /3349 '[{"bn":"/3349/0/","n":"5912/0","vs":"a"},{"n":"5912/1","vs":"b"}] senml-json' 2.01 \
	"228: a Bitmap instance with two descriptions is created" "loc=/3349/0 "
do_rsp write /3349/0/5912/1 "B text" 2.04 "test_ets_228: Write of /3349/0/5912/1 is answered 2.04"
do_rsp read /3349/0/5912 "senml-json" 2.05 "test_ets_228: only that instance changed" \
	'"bn":"/3349/0/5912/","n":"0","vs":"a"},{"n":"1","vs":"B"}'
do_rsp write /3349/0/5912 '[{"bn":"/3349/0/5912/","n":"3","vs":"c"}] senml-json' 2.04 \
	"227: replace of the multiple resource /3349/0/5912"
do_rsp read /3349/0/5912 "senml-json" 2.05 "227: its old instances are gone" \
	'payload=\[{"bn":"/3349/0/5912/","n":"3","vs":"c"}\]$'
do_rsp write-update /3349/0/5912 '[{"bn":"/3349/0/5912/","n":"4","vs":"d"}] senml-json' 2.04 \
	"226: partial update of the multiple resource adds an instance"
do_rsp read /3349/0/5912 "senml-json" 2.05 "226: both instances are there" \
	'"n":"3","vs":"c"},{"n":"4","vs":"d"}'

# --- An empty Create (an Object Instance TLV of length 0): a TLV Read of
# --- the object shows the instance, as an empty Object Instance TLV.
do_rsp create /3349 "hex:0007 tlv" 2.01 "an empty Create of /3349/7 is answered 2.01" \
	"loc=/3349/7 "
do_rsp read /3349 "tlv" 2.05 "a TLV Read of /3349 ends with the empty /3349/7 (00 07)" \
	'cf=11542 .*hex=08[0-9a-f]*0007$'

# --- 290: Delete; the Update no longer lists it; its observation ends
# --- with a 4.04 notification (RFC 7641 §3.2), the server forgets it.
ts_cmd a observe gw-test /3341/5
ts_wait a 1 "^RESPONSE .* op=observe path=/3341/5 code=2.05" "290: /3341/5 is observed"
upd=$(ts_count a "^UPDATE id=1 ")
expect_rsp delete /3341/5 2.02 "test_ets_290: Delete /3341/5 is answered 2.02"
ts_wait a $((upd + 1)) "^UPDATE id=1 " "test_ets_290: an Update follows the Delete"
if grep "^UPDATE id=1 " "$tmp/a.out" | tail -1 | grep -q "</3341/0>" &&
	! grep "^UPDATE id=1 " "$tmp/a.out" | tail -1 | grep -q "</3341/5>"; then
	ok "test_ets_290: the Update lists </3341/0> but not </3341/5>"
else
	not_ok "test_ets_290: the Update lists </3341/0> but not </3341/5>" \
		"$(grep '^UPDATE' "$tmp/a.out" | tail -1)"
fi
do_rsp read /3341/5 "senml-json" 4.04 "test_ets_290: the deleted instance is 4.04"
expect_rsp delete /3341/5 4.04 "test_ets_290: deleting it again is 4.04"
expect_rsp delete /3303/0 4.05 "test_ets_290: a plugin's instance cannot be deleted (4.05)"
expect_rsp delete /3/0 4.05 "test_ets_290: the Device instance cannot be deleted (4.05)"
expect_rsp delete /1/0 4.01 "test_ets_290: an LwM2M Server cannot delete a Server instance (4.01)"
ts_wait a 1 "^NOTIFY .* op=observe path=/3341/5 code=4.04 cf=none len=0$" \
	"test_ets_290: the observation of the deleted instance ends with 4.04"
# The same id created again and written: the old observation is gone, so
# no notification comes (nor one the server no longer knows).
do_rsp create /3341 '[{"bn":"/3341/5/","n":"5527","vs":"back"}] senml-json' 2.01 \
	"290: /3341/5 is created again" "loc=/3341/5 "
do_rsp write /3341/5/5527 "changed text" 2.04 "290: and written"
ts_cmd a sync
do_rsp read /3341/5/5527 "text" 2.05 "290: the write is in" "payload=changed$"
expect_status_of "$(ts_count a '^NOTIFY .* path=/3341/5')" 1 \
	"test_ets_290: the 4.04 was the observation's last notification"
expect_status_of "$(ts_count a '^ERROR op=notify')" 0 \
	"290: nothing came for the forgotten token"

stop_bridge
ts_wait a 1 "^DEREGISTER" "de-registered"
finish
