#!/bin/sh
# Observations while the instance set changes, end to end (real daemon,
# tests/tools/lwm2m-test-server): Observe-Composite and object-level
# Observe see Create, Delete and Write (OMA ETS 308, 309, 310); an
# observation whose target is deleted ends with a 4.04 notification, one
# whose server loses the Read right (Access Control) with 4.01 (RFC 7641
# §3.2, §4.2), and nothing comes for that token afterwards.  Object 3341
# (Addressable Text Display) is data-only: no plugin serves it, so a server
# creates and deletes its instances; nothing else changes it, so every
# notification here comes from the operation under test and payloads are
# compared whole.
set -u
. "${top_srcdir:?}/tests/integration/lib.sh"
tmp=$(mktemp -d)
. "$top_srcdir/tests/integration/server_lib.sh"
trap 'ts_cleanup; [ -n "$bridge_pid" ] && kill -KILL "$bridge_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# do_rsp NAME OP PATH ARGS CODE DESCRIPTION [PATTERN]: sends "OP gw-test
# PATH ARGS" to server NAME and waits for one more answer with CODE (and
# PATTERN).
do_rsp() {
	pat="^RESPONSE .* op=$2 path=$3 code=$5${7:+ .*$7}"
	n=$(( $(ts_count "$1" "$pat") + 1 ))
	ts_cmd "$1" "$2 gw-test $3 $4"
	ts_wait "$1" "$n" "$pat" "$6"
}

# notify_count NAME TOKEN: notifications seen for TOKEN.
notify_count() { ts_count "$1" "^NOTIFY tok=$2 "; }

# expect_notify NAME TOKEN N PAYLOAD DESCRIPTION: waits for the N-th
# notification of TOKEN and compares its whole payload (fixed string).
expect_notify() {
	ts_wait "$1" "$3" "^NOTIFY tok=$2 " "$5: a notification comes" || return 1
	got=$(grep "^NOTIFY tok=$2 " "$tmp/$1.out" | sed -n "${3}p" | sed 's/.* payload=//')
	if [ "$got" = "$4" ]; then ok "$5"
	else not_ok "$5" "expected payload: $4" "got: $got"; fi
}

# token_of NAME OP PATH: the token of the (first) answer to OP on PATH.
token_of() {
	grep "^RESPONSE .* op=$2 path=$3 " "$tmp/$1.out" | head -1 |
		sed 's/^RESPONSE tok=\([0-9a-f]*\) .*/\1/'
}

ts_start a 0
bridge_conf "$tmp/a.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$a_port\"; lifetime = 60; }"
start_bridge -c "$tmp/a.conf"
ts_wait a 1 "^REGISTER ep=gw-test .*lwm2m=1.1" "registered with LwM2M 1.1"

# --- 308: Observe-Composite on object 3341 (no instance yet) and the
# --- Lifetime; a Create notifies the new instance.
ts_cmd a observe-composite gw-test senml-json /3341 /1/0/1
ts_wait a 1 "^RESPONSE .* op=observe-composite path=/3341,/1/0/1 code=2.05 obs=[0-9]* cf=110 " \
	"308: Observe-Composite of /3341 and /1/0/1 is answered 2.05"
tc=$(token_of a observe-composite /3341,/1/0/1)
ts_cmd a observe gw-test /3341 senml-json
ts_wait a 1 "^RESPONSE .* op=observe path=/3341 code=2.05 obs=[0-9]* cf=110 " \
	"308: a plain Observe of object /3341 is answered 2.05"
to=$(token_of a observe /3341)
do_rsp a create /3341 '[{"bn":"/3341/1/","n":"5527","vs":"one"}] senml-json' 2.01 \
	"308: /3341/1 is created" "loc=/3341/1 "
expect_notify a "$tc" 1 '[{"bn":"/","n":"1/0/1","v":60},{"n":"3341/1/5527","vs":"one"}]' \
	"test_ets_308: the composite notification holds the created instance"
expect_notify a "$to" 1 '[{"bn":"/3341/","n":"1/5527","vs":"one"}]' \
	"308: the object-level notification holds the created instance"
do_rsp a create /3341 '[{"bn":"/3341/2/","n":"5527","vs":"two"},{"n":"5548","v":40}] senml-json' 2.01 \
	"308: /3341/2 is created" "loc=/3341/2 "
expect_notify a "$tc" 2 '[{"bn":"/","n":"1/0/1","v":60},{"n":"3341/1/5527","vs":"one"},{"n":"3341/2/5527","vs":"two"},{"n":"3341/2/5548","v":40}]' \
	"test_ets_308: one notification per Create, with both instances"

# --- 310: a Write notifies the new value; a replace that only drops a
# --- resource notifies too.
do_rsp a write /3341/1/5527 "uno text" 2.04 "310: /3341/1/5527 is written"
expect_notify a "$tc" 3 '[{"bn":"/","n":"1/0/1","v":60},{"n":"3341/1/5527","vs":"uno"},{"n":"3341/2/5527","vs":"two"},{"n":"3341/2/5548","v":40}]' \
	"test_ets_310: the composite notification holds the written value"
do_rsp a write /3341/2 '[{"bn":"/3341/2/","n":"5527","vs":"two"}] senml-json' 2.04 \
	"310: /3341/2 is replaced without its Level (5548)"
expect_notify a "$tc" 4 '[{"bn":"/","n":"1/0/1","v":60},{"n":"3341/1/5527","vs":"uno"},{"n":"3341/2/5527","vs":"two"}]' \
	"test_ets_310: the replace that removed a resource notifies"
expect_notify a "$to" 4 '[{"bn":"/3341/","n":"1/5527","vs":"uno"},{"n":"2/5527","vs":"two"}]' \
	"310: the object-level notification after the replace"
do_rsp a write /1/0/1 "70 text" 2.04 "310: the Lifetime is written"
expect_notify a "$tc" 5 '[{"bn":"/","n":"1/0/1","v":70},{"n":"3341/1/5527","vs":"uno"},{"n":"3341/2/5527","vs":"two"}]' \
	"test_ets_310: the other path of the composite notifies too"

# --- 309: Delete: the instance drops out of the next notification; a
# --- plain observation of the deleted instance ends with 4.04.
ts_cmd a observe gw-test /3341/1/5527
ts_wait a 1 "^RESPONSE .* op=observe path=/3341/1/5527 code=2.05 obs=[0-9]* cf=0 .*payload=uno$" \
	"309: /3341/1/5527 is observed"
tr=$(token_of a observe /3341/1/5527)
do_rsp a delete /3341/1 "" 2.02 "309: /3341/1 is deleted"
expect_notify a "$tc" 6 '[{"bn":"/","n":"1/0/1","v":70},{"n":"3341/2/5527","vs":"two"}]' \
	"test_ets_309: the composite notification no longer holds the deleted instance"
ts_wait a 1 "^NOTIFY tok=$tr ep=gw-test op=observe path=/3341/1/5527 code=4.04 cf=none len=0$" \
	"309: the observation of the deleted resource ends with 4.04"
do_rsp a delete /3341/2 "" 2.02 "309: /3341/2 is deleted"
expect_notify a "$tc" 7 '[{"bn":"/","n":"1/0/1","v":70}]' \
	"test_ets_309: with no instance left only the Lifetime remains"
expect_notify a "$to" 5 '[{"bn":"/3341/","n":"2/5527","vs":"two"}]' \
	"309: the object-level notification no longer holds the deleted instance"
expect_notify a "$to" 6 '[]' "309: an object with no instance left notifies an empty list"

# Nothing more for the ended token, even when the instance comes back.
do_rsp a create /3341 '[{"bn":"/3341/1/","n":"5527","vs":"back"}] senml-json' 2.01 \
	"309: /3341/1 is created again" "loc=/3341/1 "
expect_notify a "$tc" 8 '[{"bn":"/","n":"1/0/1","v":70},{"n":"3341/1/5527","vs":"back"}]' \
	"308: the composite sees the new instance"
expect_notify a "$to" 7 '[{"bn":"/3341/","n":"1/5527","vs":"back"}]' \
	"308: so does the object-level observation"
ts_cmd a sync
expect_status_of "$(notify_count a "$tr")" 1 "309: the 4.04 was the last notification of its token"
expect_status_of "$(ts_count a '^ERROR op=notify')" 0 "309: nothing came for a token the server forgot"

# --- 308: a Create with no values (Bitmap 3349 has no mandatory writable
# --- resource) still notifies an object-level observation.  (What the
# --- notification holds is Read's business: today an instance without
# --- values is left out of an object's TLV, so the payload is not
# --- checked here.)
ts_cmd a observe gw-test /3349 tlv
ts_wait a 1 "^RESPONSE .* op=observe path=/3349 code=2.05 obs=[0-9]* cf=11542 len=0$" \
	"308: object /3349 (no instance) is observed in TLV"
tb=$(token_of a observe /3349)
do_rsp a create /3349 "hex: tlv" 2.01 "308: an empty /3349/0 is created" "loc=/3349/0 "
ts_wait a 1 "^NOTIFY tok=$tb ep=gw-test op=observe path=/3349 code=2.05 obs=1 cf=11542 " \
	"test_ets_308: a Create without values notifies too"

ts_cmd a cancel-composite gw-test /3341 /1/0/1
ts_wait a 1 "^RESPONSE .* op=cancel-composite path=/3341,/1/0/1 code=2.05 " "the composite observation is cancelled"
expect_status_of "$(notify_count a "$tc")" 8 "308-310: exactly one composite notification per operation"
expect_status_of "$(notify_count a "$to")" 7 "308-310: exactly one object-level notification per instance change"
stop_bridge
ts_wait a 1 "^DEREGISTER" "de-registered"

# --- Access Control: server 1 (a) owns the Device instance /3/0; server 2
# --- (b) has the default rights "r" on it and observes its UTC Offset
# --- (/3/0/14, which only a Write changes).  When the owner takes b's
# --- rights away, b's observation ends with 4.01.
ts_start a 0
ts_start b 0
bridge_conf "$tmp/ab.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$a_port\"; lifetime = 60; },
  { short_server_id = 2; uri = \"coap://127.0.0.1:$b_port\"; lifetime = 60; }"
start_bridge -c "$tmp/ab.conf"
ts_wait a 1 "^REGISTER ep=gw-test" "acl: registered with server 1"
ts_wait b 1 "^REGISTER ep=gw-test" "acl: registered with server 2"
do_rsp a write /3/0/14 "+01 text" 2.04 "acl: server 1 sets the UTC offset"
do_rsp b observe /3/0/14 "" 2.05 "acl: server 2 observes /3/0/14" 'payload=+01$'
tb=$(token_of b observe /3/0/14)
do_rsp a write /3/0/14 "+02 text" 2.04 "acl: server 1 writes /3/0/14"
expect_notify b "$tb" 1 "+02" "acl: server 2 is notified while it may read"
# The ACL instance of /3/0: {"n":"X/0","v":3},{"n":"X/1","v":0}.
do_rsp a read /2 senml-json 2.05 "acl: server 1 reads object 2"
x=$(grep "^RESPONSE .* op=read path=/2 code=2.05 " "$tmp/a.out" | tail -1 |
	grep -o '"n":"[0-9]*/0","v":3},{"n":"[0-9]*/1","v":0}' |
	sed 's/^"n":"\([0-9]*\)\/.*/\1/')
if [ -n "$x" ]; then ok "acl: /2/$x is the ACL of /3/0"
else not_ok "acl: the ACL of /3/0 is in object 2" "$(grep 'path=/2 ' "$tmp/a.out" | cut -c1-300)"; fi
do_rsp a write "/2/$x/2/2" "0 text" 2.04 "acl: the owner takes server 2's rights on /3/0 away"
ts_wait b 1 "^NOTIFY tok=$tb ep=gw-test op=observe path=/3/0/14 code=4.01 cf=none len=0$" \
	"acl: server 2's observation ends with 4.01"
do_rsp a write /3/0/14 "+03 text" 2.04 "acl: server 1 writes /3/0/14 again"
do_rsp b read /3/0/14 "" 4.01 "acl: server 2 reading /3/0/14 gets 4.01"
do_rsp a write "/2/$x/2/2" "1 text" 2.04 "acl: the owner gives server 2 Read back"
do_rsp a write /3/0/14 "+04 text" 2.04 "acl: server 1 writes /3/0/14 once more"
do_rsp b read /3/0/14 "" 2.05 "acl: server 2 reads /3/0/14 again" 'payload=+04$'
ts_cmd a sync
ts_cmd b sync
expect_status_of "$(notify_count b "$tb")" 2 "acl: the 4.01 was the last notification of its token"
expect_status_of "$(ts_count b '^ERROR op=notify')" 0 "acl: nothing came for the token server 2 forgot"
stop_bridge
ts_wait a 1 "^DEREGISTER" "acl: de-registered from server 1"
ts_wait b 1 "^DEREGISTER" "acl: de-registered from server 2"
finish
