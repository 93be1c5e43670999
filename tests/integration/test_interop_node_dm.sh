#!/bin/sh
# Device Management and Information Reporting against a third-party LwM2M
# server: lwm2m-node-lib 1.4.0 from the npm registry (tests/interop/), with
# the real daemon and its sim plugin.  The server drives Execute, Write,
# Read, Discover, Write-Attributes, Observe, Cancel and Create in
# text/plain, as that library does; its WIRE lines show what its callbacks
# hide (the first 2.05 of an Observe, Observe numbers, ACKs, RSTs, times).
# Checks are named after the OMA ETS cases (see LWM2M-FACTS.md).
# What the library cannot do: Delete (its remove() sends nothing), a real
# Create (it POSTs to /O/I without a payload, which LwM2M 1.0 reads as a
# Write: 4.15 here), and cancel on its own (see lwm2m-node-server.js,
# relayEmpty).  Skipped (77) without node/npm, except when CI=true.
set -u
. "${top_srcdir:?}/tests/integration/lib.sh"
peer_tmp=$(mktemp -d)
tmp=$peer_tmp
. "$top_srcdir/tests/interop/peer.sh"
. "$top_srcdir/tests/integration/server_lib.sh"
trap 'peer_cleanup; [ -n "$bridge_pid" ] && kill -KILL "$bridge_pid" 2>/dev/null; rm -rf "$peer_tmp"' EXIT
trap 'exit 1' INT TERM

EP=gw-test

# expect_line REGEX DESCRIPTION [TENTHS]: a server line matches in time.
expect_line() {
	if peer_wait "$1" "${3:-200}"; then ok "$2"; else
		not_ok "$2" "no server line matches: $1" "server said: $(tail -n 30 "$peer_out")" \
			"bridge log: $(tail -n 10 "$bridge_log" 2>/dev/null)"
		return 1
	fi
}

# expect_same GOT WANT DESCRIPTION: exact comparison.
expect_same() {
	if [ "$1" = "$2" ]; then ok "$3"; else
		not_ok "$3" "expected: $2" "got:      $1"
	fi
}

# observe_token PATH: the token of the newest Observe the server sent on PATH.
observe_token() {
	sed -n "s|^WIRE out CON 0\.01 t=[0-9]* mid=[0-9]* token=\([0-9a-f]*\) observe=0 uri=$1\$|\1|p" \
		"$peer_out" | tail -n 1
}

# notifications TOKEN: "TIME OBSERVE VALUE" per 2.05 the bridge sent for
# TOKEN (its answer, observe 0, first), one per message ID (a
# retransmission is not another notification).
notifications() {
	sed -n "s/^WIRE in [A-Z]* 2\.05 t=\([0-9]*\) mid=\([0-9]*\) token=$1 observe=\([0-9]*\) payload=\(.*\)\$/\1 \2 \3 \4/p" \
		"$peer_out" | awk '!seen[$2]++ { print $1, $3, $4 }'
}

peer_install
peer_start node --no-auto-read --read-timeout 5 0 || {
	not_ok "the npm server starts" "$(cat "$peer_tmp/node.err")"
	finish
}
port=$(peer_port)

# lifetime 300: the bridge's own next Update is 207 s away, so every
# UPDATE line below comes from the operation that asked for it.
bridge_conf "$tmp/node.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$port\"; lifetime = 300; lwm2m_version = \"1.0\"; }" \
	"device = { reboot_command = \"touch '$tmp/rebooted'\"; };"
start_bridge -c "$tmp/node.conf"
expect_line "^REGISTER ep=$EP lt=300 lwm2m=1\\.0 b=U links=.*</3200/0>" \
	"the bridge registers with lwm2m-node-lib" || finish

# --- Execute ----------------------------------------------------------------
peer_send "execute $EP /1/0/8"
expect_line "^EXECUTE ep=$EP path=/1/0/8 args=-\$" "Execute /1/0/8 is answered 2.04"
expect_line "^UPDATE ep=$EP path=/rd/1 lt=- b=- links=-\$" \
	"test_ets_104 (npm server): Registration Update Trigger: an Update with nothing changed arrives"
expect_same "$(peer_count '^UPDATE ')" 1 "exactly one Update so far"

if [ -e "$tmp/rebooted" ]; then not_ok "no reboot before the Execute"; else ok "no reboot before the Execute"; fi
peer_send "execute $EP /3/0/4"
expect_line "^EXECUTE ep=$EP path=/3/0/4 args=-\$" "Execute /3/0/4 Reboot is answered 2.04"
i=0
while [ ! -e "$tmp/rebooted" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
if [ -e "$tmp/rebooted" ]; then ok "test_ets_241 (npm server): Reboot runs the configured command"; else
	not_ok "test_ets_241 (npm server): Reboot runs the configured command" "$(tail -n 10 "$bridge_log")"
fi

# --- Write, then Read back --------------------------------------------------
peer_send "read $EP /3/0/14"
expect_line "^READ ep=$EP path=/3/0/14 value=" "Read /3/0/14 UTC Offset"
before=$(sed -n "s|^READ ep=$EP path=/3/0/14 value=||p" "$peer_out" | tail -n 1)
new_offset=+05:30
[ "$before" = "$new_offset" ] && new_offset=-03:00
peer_send "write $EP /3/0/14 $new_offset"
expect_line "^WRITE ep=$EP path=/3/0/14 value=$new_offset\$" "test_ets_205 (npm server): Write /3/0/14 in text/plain is answered 2.04"
peer_send "read $EP /3/0/14"
peer_wait_n 2 "^READ ep=$EP path=/3/0/14 value=" 50
expect_same "$(sed -n "s|^READ ep=$EP path=/3/0/14 value=||p" "$peer_out" | tail -n 1)" "$new_offset" \
	"test_ets_205 (npm server): the Read back of /3/0/14 shows the value written (was $before)"

peer_send "write $EP /3303/0/5750 attic"
expect_line "^WRITE ep=$EP path=/3303/0/5750 value=attic\$" "Write of the sim plugin's /3303/0/5750 Application Type"
peer_send "read $EP /3303/0/5750"
expect_line "^READ ep=$EP path=/3303/0/5750 " "Read back /3303/0/5750"
expect_same "$(sed -n "s|^READ ep=$EP path=/3303/0/5750 value=||p" "$peer_out")" attic \
	"the plugin's instance reports the Application Type written"

peer_send "write $EP /1/0/1 250"
expect_line "^WRITE ep=$EP path=/1/0/1 value=250\$" "Write /1/0/1 Lifetime is answered 2.04"
expect_line "^UPDATE ep=$EP path=/rd/1 lt=250 b=- links=-\$" \
	"the new Lifetime goes to the server in an Update (lt=250 only)"
peer_send "read $EP /1/0/1"
expect_line "^READ ep=$EP path=/1/0/1 " "Read back /1/0/1"
expect_same "$(sed -n "s|^READ ep=$EP path=/1/0/1 value=||p" "$peer_out")" 250 "/1/0/1 reads 250"

# --- Discover ---------------------------------------------------------------
peer_send "discover $EP /3200"
expect_line "^DISCOVER ep=$EP path=/3200 " "Discover /3200 is answered 2.05"
expect_same "$(sed -n "s|^DISCOVER ep=$EP path=/3200 links=||p" "$peer_out")" \
	"</3200>;ver=1.1,</3200/0>,</3200/0/5500>,</3200/0/5501>,</3200/0/5505>" \
	"test_ets_260 (npm server): Discover of an object lists its instance and resources"
peer_send "discover $EP /3200/0"
expect_line "^DISCOVER ep=$EP path=/3200/0 " "Discover /3200/0 is answered 2.05"
expect_same "$(sed -n "s|^DISCOVER ep=$EP path=/3200/0 links=||p" "$peer_out")" \
	"</3200/0>,</3200/0/5500>,</3200/0/5501>,</3200/0/5505>" \
	"test_ets_260 (npm server): Discover of an instance lists its resources"

# --- Write-Attributes -------------------------------------------------------
# The counter /3200/0/5501 steps by 1 every second; with pmin 2 each
# notification carries two steps.  /3/0/1 never changes: with pmax 2 it is
# notified every 2 s all the same.
peer_send "write-attributes $EP /3200/0/5501 pmin=2&pmax=10"
expect_line "^WRITE-ATTRIBUTES ep=$EP path=/3200/0/5501 attributes=pmin=2&pmax=10\$" \
	"Write-Attributes pmin=2&pmax=10 on /3200/0/5501 is answered 2.04"
expect_line "^WIRE out CON 0\\.03 t=[0-9]* mid=[0-9]* token=[0-9a-f]* query=pmin=2 query=pmax=10 uri=/3200/0/5501\$" \
	"it went as PUT with the attributes in the query and no payload"
peer_send "write-attributes $EP /3/0/1 pmax=2"
expect_line "^WRITE-ATTRIBUTES ep=$EP path=/3/0/1 attributes=pmax=2\$" "Write-Attributes pmax=2 on /3/0/1"
peer_send "discover $EP /3200/0/5501"
expect_line "^DISCOVER ep=$EP path=/3200/0/5501 " "Discover /3200/0/5501 is answered 2.05"
expect_same "$(sed -n "s|^DISCOVER ep=$EP path=/3200/0/5501 links=||p" "$peer_out")" \
	"</3200/0/5501>;pmin=2;pmax=10" \
	"test_ets_261 (npm server): Discover shows the attributes written"

# --- Observe ----------------------------------------------------------------
peer_send "observe $EP /3200/0/5501"
peer_send "observe $EP /3/0/1"
expect_line "^OBSERVE ep=$EP path=/3200/0/5501 value=[0-9]" "Observe /3200/0/5501: the library's callback gets a value"
expect_line "^OBSERVE ep=$EP path=/3/0/1 value=lwm2m-bridge\$" "Observe /3/0/1: the library's callback gets the Model Number"
peer_wait_n 3 "^NOTIFY ep=$EP path=/3200/0/5501 " 150 &&
	ok "test_ets_301 (npm server): three notifications of /3200/0/5501 reach the library's handler" ||
	not_ok "test_ets_301 (npm server): three notifications of /3200/0/5501 reach the library's handler" \
		"$(grep "5501\|WIRE" "$peer_out" | tail -n 20)"
peer_wait_n 2 "^NOTIFY ep=$EP path=/3/0/1 " 150 &&
	ok "test_ets_301 (npm server): two notifications of /3/0/1 reach the library's handler" ||
	not_ok "test_ets_301 (npm server): two notifications of /3/0/1 reach the library's handler" \
		"$(grep "/3/0/1\|WIRE" "$peer_out" | tail -n 20)"

counter=$(observe_token /3200/0/5501)
model=$(observe_token /3/0/1)
notifications "$counter" >"$tmp/counter.n"
notifications "$model" >"$tmp/model.n"
# The library's callback and handler see exactly the payloads after the
# first answer (Observe 0), in order: OBSERVE then the NOTIFY lines.
expect_same "$(sed -n '2,$p' "$tmp/counter.n" | cut -d' ' -f3 | head -n 4 | paste -sd' ' -)" \
	"$(sed -n "s#^\\(OBSERVE\\|NOTIFY\\) ep=$EP path=/3200/0/5501 value=##p" "$peer_out" | head -n 4 | paste -sd' ' -)" \
	"the values the library reports are the notifications' payloads"
# Plausible: integers, each 1 to 3 above the one before (two steps of the
# counter per pmin), Observe numbers increasing, at least pmin apart
# (200 ms tolerance for the loop's and Node's timers).
verdict=$(awk 'NR == 1 { t = $1; o = $2; v = $3; next }
	$3 !~ /^[0-9]+$/ || $3 - v < 1 || $3 - v > 3 { print "value " $3 " after " v; exit }
	$2 <= o { print "Observe " $2 " after " o; exit }
	$1 - t < 1800 { print "only " ($1 - t) " ms after the one before"; exit }
	{ t = $1; o = $2; v = $3 } END { if (NR < 4) print "only " NR " answers" }' "$tmp/counter.n")
expect_same "$verdict" "" "test_ets_301 (npm server): the counter's notifications honour pmin=2 and count up"
[ -z "$verdict" ] || echo "#   time, Observe, value: $(paste -sd, "$tmp/counter.n")"
# The bridge rounds pmax deadlines down to a 1 s grid (bridge/observe.h:
# up to 1 s early, never late), so the first may come 1 s early.
verdict=$(awk 'NR == 1 { t = $1; next }
	$3 != "lwm2m-bridge" { print "value " $3; exit }
	$1 - t < 900 || $1 - t > 3000 { print ($1 - t) " ms after the one before"; exit }
	{ t = $1 } END { if (NR < 3) print "only " NR " answers" }' "$tmp/model.n")
expect_same "$verdict" "" "test_ets_301 (npm server): an unchanged /3/0/1 is notified every pmax=2 s"
[ -z "$verdict" ] || echo "#   time, Observe, value: $(paste -sd, "$tmp/model.n")"

# --- Cancel (the library forgets; the next notification gets RST) -----------
peer_send "cancel $EP /3200/0/5501"
expect_line "^CANCEL ep=$EP path=/3200/0/5501 token=$counter\$" "the library cancels the observation of /3200/0/5501"
expect_line "^WIRE out RST 0\\.00 t=" "the next notification is answered with RST"
rst_mid=$(sed -n 's/^WIRE out RST 0\.00 t=[0-9]* mid=\([0-9]*\) .*/\1/p' "$peer_out" | head -n 1)
expect_same "$(grep -c "^WIRE in [CN]ON 2\\.05 t=[0-9]* mid=$rst_mid token=$counter " "$peer_out")" 1 \
	"the RST answers a notification of the cancelled token, sent once"
# A new observation of the same resource: by its second notification (two
# pmin periods later) the old one would have notified again.
lines_at_rst=$(grep -n "^WIRE out RST " "$peer_out" | head -n 1 | cut -d: -f1)
peer_send "observe $EP /3200/0/5501"
peer_wait_n 2 "^OBSERVE ep=$EP path=/3200/0/5501 " 100
again=$(observe_token /3200/0/5501)
expect_same "$([ "$again" != "$counter" ] && [ -n "$again" ] && echo new)" new \
	"a new observation of /3200/0/5501 has a new token"
peer_wait_n 2 "^WIRE in [CN]ON 2\\.05 t=[0-9]* mid=[0-9]* token=$again observe=[1-9]" 100 &&
	ok "the new observation's answer and two notifications arrive" ||
	not_ok "the new observation's answer and two notifications arrive" "$(tail -n 20 "$peer_out")"
expect_same "$(tail -n "+$((lines_at_rst + 1))" "$peer_out" | grep -c "^WIRE in [A-Z]* 2\\.05 t=[0-9]* mid=[0-9]* token=$counter ")" 0 \
	"test_ets_302 (npm server): after the RST the bridge sends nothing more on the cancelled observation"

# --- Errors the server sees -------------------------------------------------
peer_send "read $EP /3200/7/5501"
expect_line "^READ-ERROR ep=$EP path=/3200/7/5501 error=RESOURCE_NOT_FOUND.*(4\\.04)\$" "Read of a missing instance: 4.04"
peer_send "read $EP /3/0/99"
expect_line "^READ-ERROR ep=$EP path=/3/0/99 error=.*(4\\.0[0-9])\$" "Read of an undefined resource fails"
expect_line "^READ-ERROR ep=$EP path=/3/0/99 error=RESOURCE_NOT_FOUND.*(4\\.04)\$" \
	"Read of an undefined resource with Accept text/plain: 4.04 (not 4.06)" 1
peer_send "read $EP /99/0/0"
expect_line "^READ-ERROR ep=$EP path=/99/0/0 error=RESOURCE_NOT_FOUND.*(4\\.04)\$" "Read of an unknown object: 4.04"
peer_send "write $EP /3/0/0 Someone"
expect_line "^WRITE-ERROR ep=$EP path=/3/0/0 error=CLIENT_ERROR.*(4\\.05)\$" \
	"test_ets_256 (npm server): Write on the read-only /3/0/0: 4.05"
peer_send "read $EP /3/0/0"
expect_line "^READ ep=$EP path=/3/0/0 " "Read /3/0/0 after the refused Write"
expect_same "$(sed -n "s|^READ ep=$EP path=/3/0/0 value=||p" "$peer_out")" "lwm2m-bridge project" \
	"the refused Write changed nothing"
peer_send "execute $EP /3/0/0"
expect_line "^EXECUTE-ERROR ep=$EP path=/3/0/0 error=CLIENT_ERROR.*(4\\.05)\$" "Execute on a readable resource: 4.05"
peer_send "create $EP /3341/0"
expect_line "^CREATE-ERROR ep=$EP path=/3341/0 error=CLIENT_ERROR.*(4\\.15)\$" \
	"the library's Create (POST /3341/0, no payload) is a Write without Content-Format: 4.15"
peer_send "discover $EP /3341"
expect_line "^DISCOVER ep=$EP path=/3341 " "Discover /3341 after it"
if grep -q "^DISCOVER ep=$EP path=/3341 .*</3341/0>" "$peer_out"; then
	not_ok "no /3341/0 instance was made" "$(grep "^DISCOVER ep=$EP path=/3341 " "$peer_out")"
else ok "no /3341/0 instance was made"; fi

stop_bridge
expect_status_of "$status" 0 "the bridge stops cleanly"
expect_line "^DEREGISTER ep=$EP path=/rd/1\$" "De-register on SIGTERM" 50
peer_stop >/dev/null
finish
