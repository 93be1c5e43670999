#!/bin/sh
# The Device object (3) and Connectivity Monitoring (4) end to end: the real
# daemon against tests/tools/lwm2m-test-server.  The titles of the OMA
# Enabler Test cases 651-685 (Device object) could not be looked up: the
# cases here are named test_ets_6xx after the closest subject; test_ets_241
# is the reboot case of ../shared/LWM2M-FACTS.md.
set -u
. "${top_srcdir:?}/tests/integration/lib.sh"
tmp=$(mktemp -d)
. "$top_srcdir/tests/integration/server_lib.sh"
trap 'ts_cleanup; [ -n "$bridge_pid" ] && kill -KILL "$bridge_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# rv PATH DESCRIPTION: a text Read of PATH by server s; $val = the payload.
rv() {
	_n=$(ts_count s "^RESPONSE .* path=$1 code=2.05 cf=0 ")
	ts_cmd s read gw-test "$1" text
	ts_wait s $((_n + 1)) "^RESPONSE .* path=$1 code=2.05 cf=0 " "$2"
	val=$(grep "^RESPONSE .* path=$1 code=2.05 cf=0 " "$tmp/s.out" |
		tail -1 | sed -n 's/.* payload=//p')
}

# answer OP PATH CODE DESCRIPTION COMMAND...: sends COMMAND, waits for the
# next answer to OP on PATH with CODE.
answer() {
	_n=$(ts_count s "^RESPONSE .* op=$1 path=$2 code=$3")
	_op=$1 _p=$2 _c=$3 _d=$4
	shift 4
	ts_cmd s "$@"
	ts_wait s $((_n + 1)) "^RESPONSE .* op=$_op path=$_p code=$_c" "$_d"
}

# expect_match VALUE ERE DESCRIPTION
expect_match() {
	if printf '%s\n' "$1" | grep -Eq -- "$2"; then ok "$3"
	else not_ok "$3" "got \"$1\", expected /$2/"; fi
}

# wait_file FILE DESCRIPTION: up to 5 s.
wait_file() {
	_i=0
	while [ $_i -lt 50 ]; do
		if [ -e "$1" ]; then ok "$2"; return 0; fi
		sleep 0.1
		_i=$((_i + 1))
	done
	not_ok "$2" "no $1" "log: $(tail -5 "$bridge_log")"
}

server='{ short_server_id = 1; uri = "coap://127.0.0.1:PORT"; lifetime = 60; }'
version=$("$bridge" --version | sed 's/^lwm2m-bridge //')

ts_start s 0
server=$(printf '%s' "$server" | sed "s/PORT/$s_port/")

# ---- run A: both commands write marker files --------------------------
bridge_conf "$tmp/a.conf" "$server" "device = { manufacturer = \"Acme Gateways\";
	model = \"GW-1\"; serial_number = \"SN-0042\";
	reboot_command = \"echo reboot > $tmp/rebooted\";
	factory_reset_command = \"echo reset > $tmp/reset\"; };"
start_bridge -c "$tmp/a.conf"
ts_wait s 1 "^REGISTER ep=gw-test " "registered"
links=$(sed -n 's/^REGISTER .* links=//p' "$tmp/s.out" | tail -1)
case "$links" in
*"</3/0>"*"</4/0>"*) ok "the Register object list names /3/0 and /4/0" ;;
*) not_ok "the Register object list names /3/0 and /4/0" "$links" ;;
esac

# --- 651: query the basic information, resource by resource, in text.
rv /3/0/0 "test_ets_651: Manufacturer"
expect_match "$val" '^Acme Gateways$' "test_ets_651: Manufacturer is the configured one"
rv /3/0/1 "test_ets_651: Model Number"
expect_match "$val" '^GW-1$' "test_ets_651: Model Number is the configured one"
rv /3/0/2 "test_ets_651: Serial Number"
expect_match "$val" '^SN-0042$' "test_ets_651: Serial Number is the configured one"
rv /3/0/3 "test_ets_651: Firmware Version"
expect_match "$val" "^$version\$" "test_ets_651: Firmware Version is the package version ($version)"
rv /3/0/10 "test_ets_651: Memory Free"
free=$val
rv /3/0/21 "test_ets_651: Memory Total"
total=$val
if [ "${free:-0}" -gt 0 ] && [ "${total:-0}" -gt 0 ] && [ "$free" -le "$total" ]; then
	ok "test_ets_651: 0 < Memory Free ($free KiB) <= Memory Total ($total KiB)"
else not_ok "test_ets_651: 0 < Memory Free <= Memory Total" "free=$free total=$total"; fi
sys_total=$(sed -n 's/^MemTotal: *\([0-9]*\) kB/\1/p' /proc/meminfo)
expect_match "$val" "^$sys_total\$" "test_ets_651: Memory Total is /proc/meminfo's MemTotal"
rv /3/0/11/0 "test_ets_651: Error Code"
expect_match "$val" '^0$' "test_ets_651: Error Code is 0 (no error)"
now=$(date +%s)
rv /3/0/13 "test_ets_651: Current Time"
if [ "$((val - now))" -ge -2 ] && [ "$((val - now))" -le 5 ]; then
	ok "test_ets_651: Current Time is now ($val)"
else not_ok "test_ets_651: Current Time is now" "got $val, now $now"; fi
rv /3/0/14 "test_ets_651: UTC Offset"
expect_match "$val" '^[+-][0-9][0-9]:[0-9][0-9]$' "test_ets_651: UTC Offset like +01:00"
rv /3/0/15 "test_ets_651: Timezone"
expect_match "$val" '^[A-Za-z0-9/_+-]+$' "test_ets_651: Timezone is an IANA name ($val)"
rv /3/0/16 "test_ets_651: Supported Binding and Modes"
expect_match "$val" '^UT?Q$' "test_ets_651: Supported Binding and Modes ($val)"
rv /3/0/17 "test_ets_651: Device Type"
expect_match "$val" '^gateway$' "test_ets_651: Device Type defaults to gateway"
rv /3/0/19 "test_ets_651: Software Version"
expect_match "$val" 'Linux' "test_ets_651: Software Version names the kernel"
answer read /3/0 2.05 "test_ets_651: the whole instance in TLV" read gw-test /3/0 tlv
answer read /3/0/9 4.04 "test_ets_651: no battery here: Battery Level is 4.04" \
	read gw-test /3/0/9 text

# --- 652: set the writable resources and read them back.
answer write /3/0/13 2.04 "test_ets_652: Write Current Time" write gw-test /3/0/13 1700000000
rv /3/0/13 "test_ets_652: Current Time read back"
if [ "$val" -ge 1700000000 ] && [ "$val" -le 1700000005 ]; then
	ok "test_ets_652: Current Time runs on from the written time ($val)"
else not_ok "test_ets_652: Current Time runs on from the written time" "got $val"; fi
wait_for_log "the system clock is not set" "test_ets_652: the system clock is left alone"
answer write /3/0/14 2.04 "test_ets_652: Write UTC Offset" write gw-test /3/0/14 +02:00
rv /3/0/14 "test_ets_652: UTC Offset read back"
expect_match "$val" '^\+02:00$' "test_ets_652: UTC Offset is the written one"
answer write /3/0/15 2.04 "test_ets_652: Write Timezone" write gw-test /3/0/15 Europe/Paris
rv /3/0/15 "test_ets_652: Timezone read back"
expect_match "$val" '^Europe/Paris$' "test_ets_652: Timezone is the written one"
answer write /3/0/14 4.00 "test_ets_652: a malformed UTC Offset is refused with 4.00" \
	write gw-test /3/0/14 later
rv /3/0/14 "test_ets_652: UTC Offset after the refused Write"
expect_match "$val" '^\+02:00$' "test_ets_652: the refused Write changed nothing"
answer write /3/0/0 4.05 "test_ets_652: Manufacturer is read-only (4.05)" write gw-test /3/0/0 X

# --- 241 / 653: Reboot runs the command after the 2.04; the daemon lives on.
answer execute /3/0/4 2.04 "test_ets_241: Execute Reboot is answered 2.04" execute gw-test /3/0/4
wait_file "$tmp/rebooted" "test_ets_241: the reboot command ran after the answer"
wait_for_log "reboot command finished" "test_ets_241: its end is logged"
rv /3/0/0 "test_ets_241: the bridge still answers after the reboot command"
# --- 654: Factory Reset the same way.
answer execute /3/0/5 2.04 "test_ets_654: Execute Factory Reset is answered 2.04" \
	execute gw-test /3/0/5
wait_file "$tmp/reset" "test_ets_654: the factory reset command ran"
answer execute /3/0/0 4.05 "Execute on a readable resource is 4.05" execute gw-test /3/0/0

# --- Connectivity Monitoring, against `ip`.
dev=$(ip route show default 2>/dev/null | sed -n 's/.* dev \([^ ]*\).*/\1/p' | head -1)
gw=$(ip route show default 2>/dev/null | sed -n 's/^default via \([^ ]*\) .*/\1/p' | head -1)
if [ -n "$dev" ]; then
	addr=$(ip -4 -o addr show dev "$dev" | sed -n 's/.* inet \([0-9.]*\)\/.*/\1/p' | head -1)
	answer read /4/0 2.05 "Read of /4/0 in TLV" read gw-test /4/0 tlv
	rv /4/0/0 "Network Bearer"
	expect_match "$val" '^(21|41|42|23)$' "Network Bearer of $dev ($val)"
	if [ -n "$addr" ]; then
		rv /4/0/4/0 "IP Addresses"
		expect_match "$val" "^$addr\$" "IP Addresses start with $dev's address $addr"
	fi
	if [ -n "$gw" ]; then
		rv /4/0/5/0 "Router IP Addresses"
		expect_match "$val" "^$gw\$" "Router IP Addresses start with the default gateway $gw"
	fi
else
	ok "no default route on this machine: /4/0 checks skipped"
fi
stop_bridge
ts_wait s 1 "^DEREGISTER " "run A de-registered"

# ---- run B: no reboot command, a failing factory reset ------------------
bridge_conf "$tmp/b.conf" "$server" 'device = { factory_reset_command = "exit 3"; };'
start_bridge -c "$tmp/b.conf"
ts_wait s 2 "^REGISTER ep=gw-test " "run B registered"
answer execute /3/0/4 4.05 "test_ets_241: Reboot without a command is 4.05" execute gw-test /3/0/4
answer observe /3/0/11 2.05 "test_ets_655: Error Code observed" observe gw-test /3/0/11
answer execute /3/0/5 2.04 "test_ets_655: a failing Factory Reset is still answered 2.04" \
	execute gw-test /3/0/5
wait_for_log "factory reset command exited with status 3" \
	"test_ets_655: the failure is logged with its exit status"
ts_wait s 1 "^NOTIFY .* path=/3/0/11 code=2.05 " "test_ets_655: observers hear of the new error code" 10
rv /3/0/11/0 "test_ets_655: Error Code after the failure"
expect_match "$val" '^17$' "test_ets_655: Error Code 17 (factory reset failed)"
answer execute /3/0/12 2.04 "test_ets_656: Execute Reset Error Code" execute gw-test /3/0/12
rv /3/0/11/0 "test_ets_656: Error Code after the reset"
expect_match "$val" '^0$' "test_ets_656: Error Code is back to the single 0"
answer read /3/0/11/1 4.04 "test_ets_656: no second Error Code instance is left" \
	read gw-test /3/0/11/1 text
stop_bridge
ts_wait s 2 "^DEREGISTER " "run B de-registered"

# ---- run C: no factory reset command ------------------------------------
bridge_conf "$tmp/c.conf" "$server" 'device = { reboot_command = "exit 0"; };'
start_bridge -c "$tmp/c.conf"
ts_wait s 3 "^REGISTER ep=gw-test " "run C registered"
answer execute /3/0/5 4.05 "test_ets_654: Factory Reset without a command is 4.05" \
	execute gw-test /3/0/5
stop_bridge
finish
