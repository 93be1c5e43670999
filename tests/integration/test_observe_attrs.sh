#!/bin/sh
# Notification attributes end to end with the sim plugin's sine sensors
# (amplitude 10, a 2 s period, a change every 50 ms): gt and lt notify on
# crossings only, st on steps of at least st, pmin and pmax bound the
# rate, and attributes are inherited object > instance > resource.  The
# value conditions are checked exactly, pair by pair of notified values;
# the periods by counts with room for scheduling (the observe engine's
# unit tests check the times exactly on a fake clock).
set -u
. "${top_srcdir:?}/tests/integration/lib.sh"
tmp=$(mktemp -d)
. "$top_srcdir/tests/integration/server_lib.sh"
trap 'ts_cleanup; [ -n "$bridge_pid" ] && kill -KILL "$bridge_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

ts_start a 0
cat >"$tmp/a.conf" <<EOT
endpoint = "gw-test";
object_dirs = [ "$top_srcdir/objects" ];
plugin_dir = "$top_builddir/plugins/sim/.libs";
plugins = ( { plugin = "sim"; settings = { seed = 3; sensors = (
	{ type = "sine"; count = 2; interval_ms = 50; offset = 0.0;
	  amplitude = 10.0; period_s = 2.0; decimals = 3; } ); }; } );
servers = ( { short_server_id = 1; uri = "coap://127.0.0.1:$a_port"; lifetime = 60; } );
EOT
start_bridge -c "$tmp/a.conf"
ts_wait a 1 "^REGISTER ep=gw-test" "registered"

# values TOKEN: the values of the answer and notifications of one
# observation (token), one per line.
values() {
	sed -n "s/^\(RESPONSE\|NOTIFY\) tok=$1 .* op=observe .* cf=0 len=[0-9]* payload=\(.*\)$/\2/p" "$tmp/a.out"
}
token_of() {
	sed -n "s|^REQUEST tok=\([0-9a-f]*\) ep=gw-test op=observe path=$1\$|\1|p" "$tmp/a.out" | tail -1
}
# pairs_ok TOKEN AWK-CONDITION: every consecutive pair (l, v) of notified
# values meets the condition; prints the offending pair otherwise.
pairs_ok() {
	values "$1" | awk -v cond="$2" '
		NR > 1 {
			l = prev; v = $1 + 0
			if (cond == "gtlt") good = ((l > 5) != (v > 5)) || ((l < -5) != (v < -5))
			else good = (v - l >= 4 || l - v >= 4)
			if (!good) { print "pair " l " -> " v; bad = 1 }
		}
		{ prev = $1 + 0 }
		END { exit bad }'
}
# count_during NAME PATTERN SECONDS: matching lines that arrive meanwhile.
count_during() {
	before=$(ts_count "$1" "$2")
	sleep "$3"
	echo $(( $(ts_count "$1" "$2") - before ))
}

# --- gt / lt on a resource: a notification only when the value crosses
# --- 5 or -5 (about 4 crossings a period), never in between.
ts_cmd a write-attr gw-test /3300/0/5700 'gt=5&lt=-5'
ts_wait a 1 "^RESPONSE .* op=write-attr path=/3300/0/5700 code=2.04" "gt=5&lt=-5 written"
ts_cmd a observe gw-test /3300/0/5700
ts_wait a 1 "^RESPONSE .* op=observe path=/3300/0/5700 code=2.05" "gt/lt: observed"
t0=$(token_of /3300/0/5700)
ts_wait a 8 "^NOTIFY tok=$t0 " "gt/lt: crossings notify (8 in up to 5 s)" 5
if why=$(pairs_ok "$t0" gtlt) && [ "$(values "$t0" | wc -l)" -ge 8 ]; then ok "gt/lt: every notified value crossed gt or lt since the last one ($(values "$t0" | wc -l) values)"
else not_ok "gt/lt: every notified value crossed gt or lt since the last one" "$why"; fi
n=$(ts_count a "^NOTIFY tok=$t0 ")
if [ "$n" -ge 7 ] && [ "$n" -le 30 ]; then ok "gt/lt: no notification between crossings ($n, the value changed about 100 times)"
else not_ok "gt/lt: no notification between crossings" "$n notifications"; fi
ts_cmd a cancel gw-test /3300/0/5700
ts_wait a 1 "^RESPONSE tok=[0-9a-f]* ep=gw-test op=cancel path=/3300/0/5700 code=2.05" "gt/lt: cancelled"

# --- pmax with a condition that never holds: one notification a second.
ts_cmd a write-attr gw-test /3300/0/5700 'gt=100&lt&pmax=1'
ts_wait a 2 "^RESPONSE .* op=write-attr path=/3300/0/5700 code=2.04" "gt=100&pmax=1 written, lt removed"
ts_cmd a observe gw-test /3300/0/5700
ts_wait a 2 "^RESPONSE .* op=observe path=/3300/0/5700 code=2.05" "pmax: observed"
t1=$(token_of /3300/0/5700)
n=$(count_during a "^NOTIFY tok=$t1 " 5)
if [ "$n" -ge 3 ] && [ "$n" -le 6 ]; then ok "pmax=1: about one notification a second though gt never crosses ($n in 5 s)"
else not_ok "pmax=1: about one notification a second though gt never crosses" "$n in 5 s"; fi
ts_cmd a cancel gw-test /3300/0/5700

# --- Inheritance: pmin on the object applies to a resource without
# --- attributes of its own ...
ts_cmd a write-attr gw-test /3300 'pmin=2'
ts_wait a 1 "^RESPONSE .* op=write-attr path=/3300 code=2.04" "object pmin=2 written"
ts_cmd a observe gw-test /3300/1/5700
ts_wait a 1 "^RESPONSE .* op=observe path=/3300/1/5700 code=2.05" "inheritance: /3300/1/5700 observed"
t2=$(token_of /3300/1/5700)
n=$(count_during a "^NOTIFY tok=$t2 " 6.5)
if [ "$n" -ge 2 ] && [ "$n" -le 4 ]; then ok "object pmin=2 holds the resource's notifications back ($n in 6.5 s, not 130)"
else not_ok "object pmin=2 holds the resource's notifications back" "$n in 6.5 s"; fi
# ... the instance's pmin overrides the object's ...
ts_cmd a write-attr gw-test /3300/1 'pmin=1'
ts_wait a 1 "^RESPONSE .* op=write-attr path=/3300/1 code=2.04" "instance pmin=1 written"
sleep 1.2
n=$(count_during a "^NOTIFY tok=$t2 " 6)
if [ "$n" -ge 4 ] && [ "$n" -le 7 ]; then ok "instance pmin=1 overrides the object's 2 ($n in 6 s)"
else not_ok "instance pmin=1 overrides the object's 2" "$n in 6 s"; fi
# ... and the resource's own attributes override both: pmin=0 with st=4
# notifies on every step of 4 or more.
ts_cmd a cancel gw-test /3300/1/5700
ts_wait a 1 "^RESPONSE .* op=cancel path=/3300/1/5700 code=2.05" "inheritance: cancelled"
ts_cmd a write-attr gw-test /3300/1/5700 'pmin=0&st=4'
ts_wait a 1 "^RESPONSE .* op=write-attr path=/3300/1/5700 code=2.04" "resource pmin=0&st=4 written"
ts_cmd a observe gw-test /3300/1/5700
ts_wait a 2 "^RESPONSE .* op=observe path=/3300/1/5700 code=2.05" "st: observed anew"
t3=$(token_of /3300/1/5700)
ts_wait a 12 "^NOTIFY tok=$t3 " "st=4 with pmin=0: a notification per step of 4 (12 in up to 4 s)" 4
if why=$(pairs_ok "$t3" st) && [ "$(values "$t3" | wc -l)" -ge 12 ]; then ok "st=4: every notified value moved at least 4 from the last ($(values "$t3" | wc -l) values)"
else not_ok "st=4: every notified value moved at least 4 from the last" "$why"; fi
stop_bridge
ts_wait a 1 "^DEREGISTER" "de-registered"

finish
