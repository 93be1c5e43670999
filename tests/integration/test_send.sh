#!/bin/sh
# LwM2M 1.1 Send (POST /dp) end to end, with our test server: periodic
# reports in SenML CBOR (ETS 306), reports on change in SenML JSON with
# values of several objects (ETS 311), Mute Send /1/x/23 (ETS 307),
# reports made while the server is disabled stored and sent after the new
# Register, a refused report dropped without stopping the next, and the
# configuration's checks.  Test names follow the OMA Enabler Test cases
# (../shared/LWM2M-FACTS.md).
set -u
. "${top_srcdir:?}/tests/integration/lib.sh"
tmp=$(mktemp -d)
. "$top_srcdir/tests/integration/server_lib.sh"
trap 'ts_cleanup; [ -n "$bridge_pid" ] && kill -KILL "$bridge_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

device='device = { manufacturer = "Acme Gateways"; model = "GW-1"; };'

# bt_of NAME: the base times of the SenML JSON SEND lines, one per line.
bt_of() {
	sed -n 's/^SEND .*payload=\[{"bn":"\/","bt":\([0-9.]*\),.*/\1/p' "$tmp/$1.out"
}

# --- 306: a periodic report of two Device resources, SenML CBOR.
ts_start a 0
bridge_conf "$tmp/a.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$a_port\";
	send = { paths = [ \"/3/0/0\", \"/3/0/1\" ]; interval = 1; }; }" "$device"
start_bridge -c "$tmp/a.conf"
ts_wait a 1 "^REGISTER ep=gw-test .* lwm2m=1.1 " "306: registered as 1.1"
ts_wait a 2 "^SEND ep=gw-test cf=112 " "test_ets_306: periodic Send reports arrive, SenML CBOR" 5
# [ {-2 (bn): "/", -3 (bt): time, 0 (n): "3/0/0", 3 (vs): "Acme Gateways"},
#   {0: "3/0/1", 3: "GW-1"} ]: 82 a4 21 61 2f 22 <time> 00 65 "3/0/0"
# 03 6d "Acme Gateways" a2 00 65 "3/0/1" 03 64 "GW-1".  The time is an
# integer (1a + 4 bytes) or a double (fb + 8 bytes).
cbor='^SEND ep=gw-test cf=112 len=[0-9]* hex=82a421612f22\(1a[0-9a-f]\{8\}\|fb[0-9a-f]\{16\}\)0065332f302f30036d41636d65204761746577617973a20065332f302f31036447572d31$'
ts_wait a 2 "$cbor" "test_ets_306: the report holds both values and one base time"
# A Send before the Register would show as "ERROR op=send ... not-registered".
expect_status_of "$(ts_count a '^ERROR op=send')" 0 "306: no report before the Register"

# --- 307: Mute Send.  Written true: nothing more; false: reports again.
ts_cmd a read gw-test /1/0/23
ts_wait a 1 "^RESPONSE .* path=/1/0/23 code=2.05 cf=0 len=1 payload=0$" "307: Mute Send reads false (configured default)"
ts_cmd a write gw-test /1/0/23 1
ts_wait a 1 "^RESPONSE .* op=write path=/1/0/23 code=2.04" "307: Mute Send written true"
ts_cmd a echo muted
ts_wait a 1 "^ECHO muted" "307: marker"
sleep 0.5 # a report already on its way may still land
before=$(ts_count a '^SEND ')
sleep 2.5
expect_status_of "$(( $(ts_count a '^SEND ') - before ))" 0 "test_ets_307: no report while Send is muted"
ts_cmd a write gw-test /1/0/23 0
ts_wait a 1 "^RESPONSE .* op=write path=/1/0/23 code=2.04 " "307: Mute Send written false"
ts_wait a $((before + 1)) "^SEND ep=gw-test cf=112 " "test_ets_307: reports resume after unmuting" 4

# --- A refused report is dropped (and logged); the next one still goes.
ts_cmd a fail-sends 4.00 1
ts_wait a 1 "^ERROR op=send ep=gw-test code=4.00 reason=injected" "refused: the server answers 4.00"
n=$(ts_count a '^SEND ')
ts_wait a $((n + 1)) "^SEND ep=gw-test " "refused: the next report is sent" 4
wait_for_log "server 1.*send: the server refused a report: 4.00 (dropped)" "refused: logged"

# --- The server forgets the registration (as a restarted one would): its
# --- 4.04 to the next report makes the bridge check with an Update, which
# --- gets 4.04 too, so it registers anew and the report follows.
ts_cmd a forget
ts_wait a 1 "^ERROR op=send code=4.04 reason=not-registered" "forgotten: a report is answered 4.04"
ts_wait a 1 "^ERROR op=update code=4.04 reason=unknown-location" "forgotten: the bridge checks with an Update" 5
ts_wait a 1 "^REGISTER ep=gw-test .* id=2 " "forgotten: and registers anew" 5
ts_wait a $(( $(ts_count a '^SEND ') + 1 )) "^SEND ep=gw-test " "forgotten: reports arrive again after the new Register" 4
wait_for_log "server 1.*send: 4.04 for a report: checking the registration with an Update" "forgotten: logged"
stop_bridge
ts_wait a 1 "^DEREGISTER " "306: de-registered"

# --- 311: on change, SenML JSON, values of two objects; base time now.
ts_start b 0
bridge_conf "$tmp/b.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$b_port\";
	disable_timeout = 4;
	send = { paths = [ \"/3303/0/5700\", \"/3/0/1\" ]; on_change = true; min_interval = 1; format = \"senml-json\"; }; }" "$device"
start_bridge -c "$tmp/b.conf"
ts_wait b 1 "^REGISTER ep=gw-test " "311: registered"
# The sim temperature changes every second: a report per change.
json='^SEND ep=gw-test cf=110 len=[0-9]* payload=\[{"bn":"/","bt":[0-9.]*,"n":"3/0/1","vs":"GW-1"},{"n":"3303/0/5700","v":-\{0,1\}[0-9.]*}\]$'
ts_wait b 3 "$json" "test_ets_311: reports on change carry both objects, SenML JSON" 8
now=$(date +%s)
bt=$(bt_of b | tail -1)
if [ -n "$bt" ] && [ "${bt%.*}" -ge $((now - 5)) ] && [ "${bt%.*}" -le $((now + 1)) ]; then
	ok "311: the base time is the time of the reading ($bt, now $now)"
else not_ok "311: the base time is the time of the reading" "bt $bt, now $now"; fi
gaps=$(bt_of b | awk 'NR > 1 && $1 - p < 0.9 { bad++ } { p = $1 } END { print bad + 0 }')
expect_status_of "$gaps" 0 "311: min_interval (1 s) holds between reports"

# --- Reports made while the server is disabled are kept and sent, in
# --- order, after the new Register; none reaches it while disabled.
ts_cmd b execute gw-test /1/0/4
ts_wait b 1 "^DEREGISTER " "stored: Disable de-registers" 5
during=$(ts_count b '^SEND ')
ts_wait b 1 "^REGISTER ep=gw-test .* id=2 " "stored: registered again after the Disable Timeout" 10
registered_at=$(date +%s.%N)
sleep 1
dereg=$(grep -n '^DEREGISTER ' "$tmp/b.out" | head -1 | cut -d: -f1)
reg2=$(grep -n '^REGISTER ep=gw-test .* id=2 ' "$tmp/b.out" | head -1 | cut -d: -f1)
if [ -n "$dereg" ] && [ -n "$reg2" ]; then
	between=$(sed -n "$((dereg + 1)),$((reg2 - 1))p" "$tmp/b.out" | grep -c '^SEND ')
	expect_status_of "$between" 0 "stored: nothing was sent while disabled"
	# Reports after the Register whose values were read at least half a
	# second before it: those made while disabled.
	old=$(sed -n "$((reg2 + 1)),\$p" "$tmp/b.out" |
		sed -n 's/^SEND .*payload=\[{"bn":"\/","bt":\([0-9.]*\),.*/\1/p' |
		awk -v r="$registered_at" '$1 < r - 0.5 { n++ } END { print n + 0 }')
	if [ "$old" -ge 2 ]; then ok "stored: the reports made while disabled arrive after the Register ($old)"
	else not_ok "stored: the reports made while disabled arrive after the Register" "$old of them" "$(cut -c1-160 "$tmp/b.out")"; fi
else
	not_ok "stored: De-register and Register seen" "$(cut -c1-160 "$tmp/b.out")"
fi
if [ "$(bt_of b | wc -l)" -ge 5 ] && bt_of b | sort -n -c 2>/dev/null; then
	ok "stored: every report in the order it was made ($(bt_of b | wc -l))"
else not_ok "stored: every report in the order it was made" "$(bt_of b | tr '\n' ' ')"; fi
stop_bridge

# --- Queue mode: asleep after queue_timeout (1 s), a periodic report (every
# --- 3 s) wakes the registration: an Update first, then the report.
ts_start q 0
bridge_conf "$tmp/q.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$q_port\";
	lifetime = 60; binding = \"UQ\"; queue_timeout = 1;
	send = { paths = [ \"/3/0/1\" ]; interval = 3; }; }" "$device"
start_bridge -c "$tmp/q.conf"
ts_wait q 1 "^REGISTER ep=gw-test .* Q=1 " "queue: registered in queue mode"
ts_wait q 1 "^SEND ep=gw-test " "queue: a report while asleep arrives" 6
upd=$(grep -n '^UPDATE ' "$tmp/q.out" | head -1 | cut -d: -f1)
snd=$(grep -n '^SEND ' "$tmp/q.out" | head -1 | cut -d: -f1)
if [ -n "$upd" ] && [ -n "$snd" ] && [ "$upd" -lt "$snd" ]; then
	ok "queue: the report woke the registration: Update, then the report"
else not_ok "queue: the report woke the registration: Update, then the report" "$(cut -c1-120 "$tmp/q.out")"; fi
stop_bridge

# --- Configuration checks.
# conf_refused SEND_AND_MORE PATTERN DESCRIPTION: --check-config of one
# server with SEND_AND_MORE in its entry fails (status 1) saying PATTERN.
conf_refused() {
	bridge_conf "$tmp/c.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:5683\"; $1 }"
	run_bridge -c "$tmp/c.conf" --check-config
	expect_status 1 "config: $3 (status)"
	expect_output "$2" "config: $3"
}
conf_refused 'lwm2m_version = "1.0"; send = { paths = [ "/3/0/0" ]; interval = 5; };' \
	'servers.\[0\].send: Send is LwM2M 1.1: it needs lwm2m_version "1.1"' "Send on a 1.0 server is refused"
conf_refused 'send = { paths = [ "/3/0/0" ]; };' \
	"send: nothing makes a report: set interval" "a Send without a trigger is refused"
conf_refused 'send = { paths = [ "/0/0/3" ]; interval = 5; };' \
	"the Security object (/0) is never reported" "the Security object cannot be sent"
conf_refused 'send = { paths = [ "3/0" ]; interval = 5; };' \
	'"3/0" is not an LwM2M path' "a path without its slash is refused"
conf_refused 'send = { paths = [ "/3/0", "/3/0/" ]; interval = 5; };' \
	'"/3/0/" is listed twice' "a path listed twice is refused"
conf_refused 'send = { paths = [ ]; interval = 5; };' \
	"expected 1 to 16 paths, got 0" "an empty path list is refused"
conf_refused 'send = { paths = [ "/3/0" ]; interval = 5; format = "tlv"; };' \
	'expected "senml-json" or "senml-cbor", got "tlv"' "only SenML formats"
conf_refused 'send = { paths = [ "/3/0" ]; interval = 5; min_interval = 2; };' \
	"min_interval: only applies with on_change = true" "min_interval without on_change is refused"
conf_refused 'send = { paths = [ "/3/0" ]; on_change = true; min_interval = 0; };' \
	"min_interval" "a min_interval of 0 is refused"
conf_refused 'send = { paths = [ "/3/0" ]; interval = 5; often = true; };' \
	"unknown" "an unknown key in send is refused"

finish
