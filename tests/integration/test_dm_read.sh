#!/bin/sh
# Read, Discover, Write-Attributes and Execute end to end, with the exact
# payloads and codes, against the real daemon and tests/tools/
# lwm2m-test-server.  Check groups are named after the OMA Enabler Test
# cases (../shared/LWM2M-FACTS.md): 201/203/204/211/231/232 query basic
# information in each format, 221 the Security object, 222-225 Read on
# object, instance, resource and resource instance, 237 Read without
# Accept (LwM2M 1.1 and 1.0), 260 Discover, 261 Write-Attributes on a
# multiple resource; then the error answers.
#
# Determinism: the Device object's values come from the configuration
# and from a fake host tree (device.host_root): /proc/meminfo and two
# power supplies, so /3/0 has multiple resources 6, 7, 8 with two
# instances each.  The sim plugin runs one temperature sensor that does
# not move within a day (interval_ms), so /3303/0 holds its start value.
# Only Current Time (/3/0/13) moves: it is cut out of whole-instance
# answers and checked against the test's clock instead (expect_timed).
# The Firmware Version (the package version) and Supported Binding and
# Modes (U, T if libcoap has TCP and the server speaks 1.1, Q) depend on
# the build: they are read as text first and their bytes put into the
# expected answers.
set -u
. "${top_srcdir:?}/tests/integration/lib.sh"
tmp=$(mktemp -d)
. "$top_srcdir/tests/integration/server_lib.sh"
trap 'ts_cleanup; [ -n "$bridge_pid" ] && kill -KILL "$bridge_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

# ---- the fake host ----------------------------------------------------
root=$tmp/root
mkdir -p "$root/proc" "$root/sys/class/power_supply/AC" \
	"$root/sys/class/power_supply/BAT0"
printf 'MemTotal:        2048 kB\nMemFree:          512 kB\nMemAvailable:    1024 kB\n' \
	>"$root/proc/meminfo"
# Sorted by name: AC is resource instance 0, BAT0 is 1.  The kernel
# speaks microvolts and microamperes; the Device object millivolts and
# milliamperes.
ac=$root/sys/class/power_supply/AC
echo Mains >"$ac/type"
echo 12000000 >"$ac/voltage_now"
echo 500000 >"$ac/current_now"
bat=$root/sys/class/power_supply/BAT0
echo Battery >"$bat/type"
echo 1 >"$bat/present"
echo 3700000 >"$bat/voltage_now"
echo 250000 >"$bat/current_now"
echo 80 >"$bat/capacity"
echo Discharging >"$bat/status"

# conf FILE PORT VERSION: one server of that LwM2M version.
conf() {
	cat >"$1" <<EOT
endpoint = "gw-test";
log_level = "info";
object_dirs = [ "$top_srcdir/objects" ];
plugin_dir = "$top_builddir/plugins/sim/.libs";
plugins = ( { plugin = "sim"; settings = { seed = 7; sensors = (
	{ type = "temperature"; interval_ms = 86400000; min = 15.0;
	  max = 30.0; start = 21.5; decimals = 2; } ); }; } );
servers = ( { short_server_id = 1; uri = "coap://127.0.0.1:$2";
	lifetime = 60; lwm2m_version = "$3"; } );
device = { manufacturer = "Acme"; model = "GW-1"; serial_number = "SN-42";
	host_root = "$root"; timezone = "Europe/Berlin";
	utc_offset = "+01:00"; device_type = "gateway";
	hardware_version = "HW1"; software_version = "SW1"; };
EOT
}

# ---- helpers ------------------------------------------------------------
srv=a

# ask OP PATH [ARGS...]: sends "OP gw-test PATH ARGS" to $srv, waits for
# its answer; $got = the answer from "code=" on, e.g.
# "code=2.05 cf=0 len=4 payload=Acme".  Requests go one at a time, so the
# newest RESPONSE line for OP on PATH is this one.
ask() {
	_op=$1 _p=$2
	shift 2
	_pat="^RESPONSE .* op=$_op path=$_p code="
	_n=$(ts_count $srv "$_pat")
	# The daemon's time() reads the kernel's coarse clock, which may be a
	# few ms behind date's at a second boundary: one second of slack.
	t0=$(( $(date +%s) - 1 ))
	ts_cmd $srv "$_op gw-test $_p $*"
	got="(no answer within 15 s)"
	_i=0
	while [ $_i -lt 150 ]; do
		if [ "$(ts_count $srv "$_pat")" -gt "$_n" ]; then
			got=$(grep -- "$_pat" "$tmp/$srv.out" | tail -1 |
				sed 's/.* code=/code=/')
			break
		fi
		sleep 0.1
		_i=$((_i + 1))
	done
	t1=$(date +%s)
}

# The answer lines, built from what is expected.
want_code() { echo "code=$1 cf=none len=0"; }
# (TIME stands for the ten digits of Current Time: see expect_timed.)
want_text() {
	echo "code=2.05 cf=$1 len=$(printf %s "$2" | sed 's/TIME/0123456789/' |
		wc -c) payload=$2"
}
want_hex() { echo "code=2.05 cf=$1 len=$((${#2} / 2)) hex=$2"; }
# hx TEXT: its bytes in lower-case hex.
hx() { printf %s "$1" | od -An -tx1 | tr -d ' \n'; }

# expect_eq GOT WANT DESCRIPTION
expect_eq() {
	if [ "$1" = "$2" ]; then ok "$3"; else
		not_ok "$3" "got:      $1" "expected: $2"
	fi
}

# check WANT DESCRIPTION OP PATH [ARGS...]: ask, then expect_eq.
check() {
	_w=$1 _d=$2
	shift 2
	ask "$@"
	expect_eq "$got" "$_w" "$_d"
}

# expect_timed WANT DESCRIPTION: $got equals WANT where WANT's one TIME
# (decimal) or TTTTTTTT (32-bit hex) stands for Current Time, which must
# lie between the clock before the request and after the answer.
expect_timed() {
	case $1 in
	*TTTTTTTT*) _pre=${1%%TTTTTTTT*} _suf=${1#*TTTTTTTT} _hex=1 ;;
	*) _pre=${1%%TIME*} _suf=${1#*TIME} _hex=0 ;;
	esac
	_mid=${got#"$_pre"}
	_mid=${_mid%"$_suf"}
	case $got in
	"$_pre"*"$_suf") ;;
	*)
		not_ok "$2" "got:      $got" "expected: $1"
		return
		;;
	esac
	if [ $_hex = 1 ]; then
		case $_mid in
		[0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f])
			_mid=$((0x$_mid)) ;;
		*) _mid=x ;;
		esac
	fi
	case $_mid in
	'' | *[!0-9]*)
		not_ok "$2" "Current Time \"$_mid\" is not a number" "got: $got"
		return
		;;
	esac
	if [ "$_mid" -ge "$t0" ] && [ "$_mid" -le "$t1" ]; then ok "$2"; else
		not_ok "$2" "Current Time $_mid not within $t0..$t1" "got: $got"
	fi
}

version=$("$bridge" --version | sed 's/^lwm2m-bridge //')

# ======== LwM2M 1.1 ======================================================
ts_start a 0
conf "$tmp/a.conf" "$a_port" 1.1
start_bridge -c "$tmp/a.conf"
ts_wait a 1 "^REGISTER ep=gw-test .*lwm2m=1.1 " "registered with LwM2M 1.1"

# The two build-dependent strings (see the top), in text.
ask read /3/0/3 text
fw=${got#*payload=}
expect_eq "$got" "$(want_text 0 "$version")" "201: Firmware Version is the package version"
ask read /3/0/16 text
bnd=${got#*payload=}
case $bnd in
U*Q) ok "201: Supported Binding and Modes ($bnd)" ;;
*) not_ok "201: Supported Binding and Modes" "$got" ;;
esac
if [ ${#fw} -gt 7 ] || [ ${#bnd} -gt 7 ]; then
	not_ok "the short-string TLV encodings below hold" "fw=$fw bnd=$bnd"
fi
fwx=$(hx "$fw") bndx=$(hx "$bnd")
# A TLV resource of a string of n <= 7 bytes: type 0b11 0 00 nnn = c0+n.
fwt=$(printf %02x $((0xc0 + ${#fw}))) bndt=$(printf %02x $((0xc0 + ${#bnd})))
# A CBOR text string of n <= 23 bytes: major type 3, 0x60+n.
fwc=$(printf %02x $((0x60 + ${#fw}))) bndc=$(printf %02x $((0x60 + ${#bnd})))

# ---- 201: text (0) ------------------------------------------------------
check "$(want_text 0 Acme)" "test_ets_201: Manufacturer /3/0/0 in text" read /3/0/0 text
check "$(want_text 0 GW-1)" "test_ets_201: Model Number /3/0/1 in text" read /3/0/1 text
check "$(want_text 0 SN-42)" "test_ets_201: Serial Number /3/0/2 in text" read /3/0/2 text
check "$(want_text 0 80)" "test_ets_201: Battery Level /3/0/9 (Integer) in text" read /3/0/9 text
check "$(want_text 0 21.5)" "test_ets_201: Sensor Value /3303/0/5700 (Float) in text" \
	read /3303/0/5700 text
ask read /3/0/13 text
expect_timed "$(want_text 0 TIME)" "test_ets_201: Current Time /3/0/13 (Time) in text"
check "$(want_code 4.06)" "test_ets_201: text cannot carry the instance /3/0 (4.06)" read /3/0 text

# ---- 203: TLV (11542) ---------------------------------------------------
# c4 00 41636d65: 0b11 (resource with value) 0 (8-bit id) 00 (length in
# the type) 100 (4), id 0, "Acme".
check "$(want_hex 11542 c40041636d65)" "test_ets_203: Manufacturer in TLV" read /3/0/0 tlv
check "$(want_hex 11542 c40147572d31)" "test_ets_203: Model Number in TLV" read /3/0/1 tlv
# The whole instance, resource by resource (executable 4, 5, 12 hold no
# value; 22 is not instantiated):
#   c4 00 "Acme" / c4 01 "GW-1" / c5 02 "SN-42" / c<n> 03 firmware
#   86 06 | 41 00 06 | 41 01 01    Power Sources: 0b10 (multiple
#       resource), length 6 in the type; each 0b01 (resource instance),
#       length 1: Mains (6), Battery (1)
#   88 07 08 | 42 00 2ee0 | 42 01 0e74   Voltage: length 8 in the next
#       byte (type 0b10 0 01 000); 12000 and 3700 mV, 2 bytes each
#   88 08 08 | 42 00 01f4 | 42 01 00fa   Current 500 and 250 mA (250 is
#       2 bytes: TLV integers are signed)
#   c1 09 50              Battery Level 80
#   c2 0a 0400            Memory Free 1024 KiB (MemAvailable)
#   83 0b | 41 00 00      Error Code: one instance, 0
#   c4 0d TTTTTTTT        Current Time, 4 bytes (until 2038)
#   c6 0e "+01:00" / c8 0f 0d "Europe/Berlin" (length 13 in the next
#       byte) / c<n> 10 binding / c7 11 "gateway" / c3 12 "HW1" /
#   c3 13 "SW1" / c1 14 00 (Battery Status Normal: discharging) /
#   c2 15 0800 (Memory Total 2048)
tlv_head="c40041636d65c40147572d31c502534e2d3432${fwt}03${fwx}"
tlv_head="${tlv_head}860641000641010188070842002ee042010e74880808420001f4420100fa"
tlv_head="${tlv_head}c10950c20a0400830b410000c40d"
tlv_tail="c60e2b30313a3030c80f0d4575726f70652f4265726c696e"
tlv_tail_b="c71167617465776179c312485731c313535731c11400c2150800"
dev_tlv="${tlv_head}TTTTTTTT${tlv_tail}${bndt}10${bndx}${tlv_tail_b}"
ask read /3/0 tlv
expect_timed "$(want_hex 11542 "$dev_tlv")" "test_ets_203: the whole /3/0 in TLV"

# ---- 204: LwM2M JSON (11543) ---------------------------------------------
check "$(want_text 11543 '{"bn":"/3/0/0","e":[{"sv":"Acme"}]}')" \
	"test_ets_204: Manufacturer in LwM2M JSON" read /3/0/0 json
check "$(want_text 11543 '{"bn":"/3/0/1","e":[{"sv":"GW-1"}]}')" \
	"test_ets_204: Model Number in LwM2M JSON" read /3/0/1 json
# Records named relative to bn "/3/0/"; strings "sv", numbers "v".
dev_recs() { # dev_recs VS: the records of /3/0, VS the string key
	printf '%s' "{\"n\":\"0\",\"$1\":\"Acme\"},{\"n\":\"1\",\"$1\":\"GW-1\"},{\"n\":\"2\",\"$1\":\"SN-42\"},"
	printf '%s' "{\"n\":\"3\",\"$1\":\"$fw\"},{\"n\":\"6/0\",\"v\":6},{\"n\":\"6/1\",\"v\":1},"
	printf '%s' '{"n":"7/0","v":12000},{"n":"7/1","v":3700},{"n":"8/0","v":500},{"n":"8/1","v":250},'
	printf '%s' '{"n":"9","v":80},{"n":"10","v":1024},{"n":"11/0","v":0},{"n":"13","v":TIME},'
	printf '%s' "{\"n\":\"14\",\"$1\":\"+01:00\"},{\"n\":\"15\",\"$1\":\"Europe/Berlin\"},"
	printf '%s' "{\"n\":\"16\",\"$1\":\"$bnd\"},{\"n\":\"17\",\"$1\":\"gateway\"},"
	printf '%s' "{\"n\":\"18\",\"$1\":\"HW1\"},{\"n\":\"19\",\"$1\":\"SW1\"},{\"n\":\"20\",\"v\":0},"
	printf '%s' '{"n":"21","v":2048}'
}
ask read /3/0 json
expect_timed "$(want_text 11543 "{\"bn\":\"/3/0/\",\"e\":[$(dev_recs sv)]}")" \
	"test_ets_204: the whole /3/0 in LwM2M JSON"

# ---- 211: plain CBOR (60), single values only -----------------------------
# 64 41636d65: major type 3 (text) length 4; 18 50: unsigned 80 in one
# following byte; f9 4d60: 21.5 as a half float (sign 0, exponent
# 10011 = 4 + 15, mantissa 0101100000: 1.34375 * 2^4); c1 1a ..: tag 1
# (epoch time) on a 4-byte unsigned.
check "$(want_hex 60 6441636d65)" "test_ets_211: Manufacturer in CBOR" read /3/0/0 cbor
check "$(want_hex 60 6447572d31)" "test_ets_211: Model Number in CBOR" read /3/0/1 cbor
check "$(want_hex 60 1850)" "test_ets_211: Battery Level in CBOR" read /3/0/9 cbor
check "$(want_hex 60 f94d60)" "test_ets_211: Sensor Value 21.5 in CBOR" read /3303/0/5700 cbor
check "$(want_hex 60 01)" "test_ets_211: resource instance /3/0/6/1 in CBOR" read /3/0/6/1 cbor
ask read /3/0/13 cbor
expect_timed "$(want_hex 60 c11aTTTTTTTT)" "test_ets_211: Current Time in CBOR (tag 1)"
check "$(want_code 4.06)" "test_ets_211: CBOR cannot carry the instance /3/0 (4.06)" read /3/0 cbor
check "$(want_code 4.06)" "test_ets_211: nor the multiple resource /3/0/6 (4.06)" read /3/0/6 cbor

# ---- 231: SenML JSON (110) ---------------------------------------------
check "$(want_text 110 '[{"bn":"/3/0/0","vs":"Acme"}]')" \
	"test_ets_231: Manufacturer in SenML JSON" read /3/0/0 senml-json
check "$(want_text 110 '[{"bn":"/3/0/1","vs":"GW-1"}]')" \
	"test_ets_231: Model Number in SenML JSON" read /3/0/1 senml-json
ask read /3/0 senml-json
recs=$(dev_recs vs)
expect_timed "$(want_text 110 "[{\"bn\":\"/3/0/\",${recs#\{}]")" \
	"test_ets_231: the whole /3/0 in SenML JSON"

# ---- 232: SenML CBOR (112) ---------------------------------------------
# 81 a2 21 66 "/3/0/0" 03 64 "Acme": an array of one map of two pairs,
# bn (label -2: 0x21) and vs (label 3).
check "$(want_hex 112 81a221662f332f302f30036441636d65)" \
	"test_ets_232: Manufacturer in SenML CBOR" read /3/0/0 senml-cbor
check "$(want_hex 112 81a221662f332f302f31036447572d31)" \
	"test_ets_232: Model Number in SenML CBOR" read /3/0/1 senml-cbor
# The whole instance: 96 (array of 22 records); the first a3 (3 pairs:
# bn "/3/0/", n, value), the others a2 (n 00, then v 02 or vs 03).
# Numbers: 06, 01, 19 2ee0 (12000), 19 0e74, 19 01f4, 18 fa (250), 18 50,
# 19 0400, 00, 1a TTTTTTTT (time), 00, 19 0800.
c_s() { printf 'a200%s03%s%s' "$1" "$2" "$3"; } # n, vs: text head, bytes
c_v() { printf 'a200%s02%s' "$1" "$2"; }         # n (CBOR text), number
dev_cbor="96a321652f332f302f0061300364$(hx Acme)$(c_s 6131 64 "$(hx GW-1)")"
dev_cbor="$dev_cbor$(c_s 6132 65 "$(hx SN-42)")$(c_s 6133 "$fwc" "$fwx")"
dev_cbor="$dev_cbor$(c_v 63362f30 06)$(c_v 63362f31 01)$(c_v 63372f30 192ee0)"
dev_cbor="$dev_cbor$(c_v 63372f31 190e74)$(c_v 63382f30 1901f4)$(c_v 63382f31 18fa)"
dev_cbor="$dev_cbor$(c_v 6139 1850)$(c_v 623130 190400)$(c_v 6431312f30 00)"
dev_cbor="$dev_cbor$(c_v 623133 1aTTTTTTTT)$(c_s 623134 66 "$(hx +01:00)")"
dev_cbor="$dev_cbor$(c_s 623135 6d "$(hx Europe/Berlin)")$(c_s 623136 "$bndc" "$bndx")"
dev_cbor="$dev_cbor$(c_s 623137 67 "$(hx gateway)")$(c_s 623138 63 "$(hx HW1)")"
dev_cbor="$dev_cbor$(c_s 623139 63 "$(hx SW1)")$(c_v 623230 00)$(c_v 623231 190800)"
ask read /3/0 senml-cbor
expect_timed "$(want_hex 112 "$dev_cbor")" "test_ets_232: the whole /3/0 in SenML CBOR"

# ---- 222-225: Read on object, instance, resource, resource instance ------
# /3303/0 in TLV: each resource 0b11 1 (16-bit id) 00 100 (4 bytes) = e4,
# the floats as float32 (21.5 = 41ac0000, 15 = 41700000, 30 = 41f00000;
# exact in 4 bytes); 5701 "Cel" is e3.  Ids 5601 = 15e1 .. 5700 = 1644.
t_inst="e415e141ac0000e415e241ac0000e415e341700000e415e441f00000e4164441ac0000e3164543656c"
# The object: an instance TLV 0b00 0 01 000 = 08, id 00, length 41 = 29.
check "$(want_hex 11542 "080029$t_inst")" "test_ets_222: Read on the object /3303 in TLV" \
	read /3303 tlv
check "$(want_text 110 '[{"bn":"/3303/","n":"0/5601","v":21.5},{"n":"0/5602","v":21.5},{"n":"0/5603","v":15},{"n":"0/5604","v":30},{"n":"0/5700","v":21.5},{"n":"0/5701","vs":"Cel"}]')" \
	"test_ets_222: Read on the object /3303 in SenML JSON" read /3303 senml-json
check "$(want_text 11543 '{"bn":"/3303/","e":[{"n":"0/5601","v":21.5},{"n":"0/5602","v":21.5},{"n":"0/5603","v":15},{"n":"0/5604","v":30},{"n":"0/5700","v":21.5},{"n":"0/5701","sv":"Cel"}]}')" \
	"test_ets_222: Read on the object /3303 in LwM2M JSON" read /3303 json
check "$(want_hex 11542 "$t_inst")" "test_ets_223: Read on the instance /3303/0 in TLV" \
	read /3303/0 tlv
# 86 records; a3 21 68 "/3303/0/" 00 64 "5601" 02 f94d60, then a2 00 64
# "56xx" 02 value; f9 4b80 = 15, f9 4f80 = 30 (half floats).
s_inst="86a321682f333330332f302f00643536303102f94d60a200643536303202f94d60"
s_inst="${s_inst}a200643536303302f94b80a200643536303402f94f80a200643537303002f94d60"
s_inst="${s_inst}a2006435373031036343656c"
check "$(want_hex 112 "$s_inst")" "test_ets_223: Read on the instance /3303/0 in SenML CBOR" \
	read /3303/0 senml-cbor
check "$(want_hex 11542 e4164441ac0000)" "test_ets_224: Read on the resource /3303/0/5700 in TLV" \
	read /3303/0/5700 tlv
check "$(want_hex 11542 8606410006410101)" \
	"test_ets_224: Read on the multiple resource /3/0/6 in TLV" read /3/0/6 tlv
check "$(want_text 110 '[{"bn":"/3/0/6/","n":"0","v":6},{"n":"1","v":1}]')" \
	"test_ets_224: Read on the multiple resource /3/0/6 in SenML JSON" read /3/0/6 senml-json
check "$(want_text 11543 '{"bn":"/3/0/11/","e":[{"n":"0","v":0}]}')" \
	"test_ets_224: Read on Error Code /3/0/11 in LwM2M JSON" read /3/0/11 json
check "$(want_text 0 1)" "test_ets_225: Read on the resource instance /3/0/6/1 in text" \
	read /3/0/6/1 text
check "$(want_text 0 0)" "test_ets_225: Read on Error Code /3/0/11/0 in text" read /3/0/11/0 text
# 42 00 2ee0: resource instance (0b01), length 2, id 0, 12000.
check "$(want_hex 11542 42002ee0)" "test_ets_225: /3/0/7/0 in TLV" read /3/0/7/0 tlv
check "$(want_text 110 '[{"bn":"/3/0/6/1","v":1}]')" "test_ets_225: /3/0/6/1 in SenML JSON" \
	read /3/0/6/1 senml-json
check "$(want_hex 112 81a221682f332f302f362f310201)" "test_ets_225: /3/0/6/1 in SenML CBOR" \
	read /3/0/6/1 senml-cbor

# ---- 237: Read without Accept, LwM2M 1.1 --------------------------------
check "$(want_text 0 Acme)" "test_ets_237: a single resource goes as text (1.1)" read /3/0/0
check "$(want_text 0 1)" "test_ets_237: a resource instance goes as text (1.1)" read /3/0/6/1
check "$(want_hex 112 82a321672f332f302f362f0061300206a20061310201)" \
	"test_ets_237: a multiple resource goes as SenML CBOR (1.1)" read /3/0/6
check "$(want_hex 112 "$s_inst")" "test_ets_237: an instance goes as SenML CBOR (1.1)" \
	read /3303/0
ask read /3/0
expect_timed "$(want_hex 112 "$dev_cbor")" "test_ets_237: /3/0 goes as SenML CBOR (1.1)"

# ---- 221: the Security object is not accessible to an LwM2M Server -------
case $(grep '^REGISTER ' "$tmp/a.out" | tail -1) in
*"</0>"* | *"</0/"*) not_ok "test_ets_221: the Register payload does not list /0" ;;
*) ok "test_ets_221: the Register payload does not list /0" ;;
esac
u=$(want_code 4.01)
check "$u" "test_ets_221: Read /0 is 4.01" read /0
check "$u" "test_ets_221: Read /0/0 is 4.01" read /0/0 tlv
check "$u" "test_ets_221: Read /0/0/0 (Server URI) is 4.01" read /0/0/0 text
check "$u" "test_ets_221: Discover /0 is 4.01" discover /0
check "$u" "test_ets_221: Discover /0/0 is 4.01" discover /0/0
check "$u" "test_ets_221: Write /0/0/0 is 4.01" write /0/0/0 coap://127.0.0.1:1
check "$u" "test_ets_221: partial update of /0/0 is 4.01" write-update /0/0 hex:c1010a tlv
check "$u" "test_ets_221: Write-Attributes on /0/0 is 4.01" write-attr /0/0 pmin=1
check "$u" "test_ets_221: Write-Attributes on /0 is 4.01" write-attr /0 pmax=5
check "$u" "test_ets_221: Execute /0/0/0 is 4.01" execute /0/0/0
check "$u" "test_ets_221: Create on /0 is 4.01" create /0 hex:c1010a tlv
check "$u" "test_ets_221: Delete /0/0 is 4.01" delete /0/0
check "$u" "test_ets_221: Observe /0/0/0 is 4.01" observe /0/0/0

# ---- 260: Discover, with the attributes Write-Attributes set --------------
# Before any attribute: /3/0 lists its resources, dim= on the multiple
# ones (6, 7, 8 with two instances, 11 with one); executable 4, 5, 12 are
# listed (the Device handler executes), 22 is not (no instance).
dev_links='</3/0/0>,</3/0/1>,</3/0/2>,</3/0/3>,</3/0/4>,</3/0/5>,</3/0/6>;dim=2,</3/0/7>;dim=2,</3/0/8>;dim=2,</3/0/9>,</3/0/10>,</3/0/11>;dim=1,</3/0/12>,</3/0/13>,</3/0/14>,</3/0/15>,</3/0/16>,</3/0/17>,</3/0/18>,</3/0/19>,</3/0/20>,</3/0/21>'
check "$(want_text 40 "</3/0>,$dev_links")" "test_ets_260: Discover /3/0" discover /3/0
check "$(want_text 40 '</3/0>')" "test_ets_260: Discover /3/0 with depth=0" discover /3/0 depth=0
t_links='</3303/0/5601>,</3303/0/5602>,</3303/0/5603>,</3303/0/5604>,</3303/0/5605>,</3303/0/5700>,</3303/0/5701>'
check "$(want_code 2.04)" "test_ets_260: Write-Attributes pmin=10 on the object /3303" \
	write-attr /3303 pmin=10
check "$(want_code 2.04)" "test_ets_260: Write-Attributes pmax=60 on the instance /3303/0" \
	write-attr /3303/0 pmax=60
check "$(want_code 2.04)" "test_ets_260: Write-Attributes on the resource /3303/0/5700" \
	write-attr /3303/0/5700 'pmin=2&gt=30&lt=20&st=4.5&epmin=1&epmax=3'
# An object Discover: the object's own attributes (and ver=), no
# attributes below it.
check "$(want_text 40 "</3303>;ver=1.1;pmin=10,</3303/0>,$t_links")" \
	"test_ets_260: Discover /3303 shows the object's pmin and ver=1.1" discover /3303
# An instance Discover: its effective attributes (pmin inherited from
# the object), each resource with what is written on it.
check "$(want_text 40 '</3303/0>;pmin=10;pmax=60,</3303/0/5601>,</3303/0/5602>,</3303/0/5603>,</3303/0/5604>,</3303/0/5605>,</3303/0/5700>;pmin=2;gt=30;lt=20;st=4.5;epmin=1;epmax=3,</3303/0/5701>')" \
	"test_ets_260: Discover /3303/0 shows its attributes and the resource's" discover /3303/0
# A resource Discover: the effective set (pmax from the instance).
check "$(want_text 40 '</3303/0/5700>;pmin=2;pmax=60;gt=30;lt=20;st=4.5;epmin=1;epmax=3')" \
	"test_ets_260: Discover /3303/0/5700 shows the effective attributes" discover /3303/0/5700
check "$(want_text 40 '</3/0/6>;dim=2,</3/0/6/0>,</3/0/6/1>')" \
	"test_ets_260: Discover of a multiple resource lists dim= and its instances (1.1)" \
	discover /3/0/6
# Removing an attribute (a name without a value).
check "$(want_code 2.04)" "test_ets_260: Write-Attributes removes epmin and epmax" \
	write-attr /3303/0/5700 'epmin&epmax'
check "$(want_text 40 '</3303/0/5700>;pmin=2;pmax=60;gt=30;lt=20;st=4.5')" \
	"test_ets_260: the removed attributes are gone" discover /3303/0/5700

# ---- 261: Write-Attributes on a multiple resource -------------------------
check "$(want_code 2.04)" "test_ets_261: Write-Attributes pmin=7&pmax=70 on /3/0/6" \
	write-attr /3/0/6 'pmin=7&pmax=70'
check "$(want_code 2.04)" "test_ets_261: Write-Attributes on its instance /3/0/6/1" \
	write-attr /3/0/6/1 'pmax=9&gt=5'
check "$(want_text 40 '</3/0/6>;dim=2;pmin=7;pmax=70,</3/0/6/0>,</3/0/6/1>;pmax=9;gt=5')" \
	"test_ets_261: Discover /3/0/6 shows them, dim=2 first" discover /3/0/6
dev_links6=$(printf %s "$dev_links" | sed 's|</3/0/6>;dim=2|</3/0/6>;dim=2;pmin=7;pmax=70|')
check "$(want_text 40 "</3/0>,$dev_links6")" \
	"test_ets_261: Discover /3/0 shows the resource's attributes" discover /3/0
check "$(want_code 2.04)" "test_ets_261: Write-Attributes removes pmin from /3/0/6" \
	write-attr /3/0/6 pmin
check "$(want_text 40 '</3/0/6>;dim=2;pmax=70,</3/0/6/0>,</3/0/6/1>;pmax=9;gt=5')" \
	"test_ets_261: only pmax is left on /3/0/6" discover /3/0/6

# ---- errors: 4.04 ---------------------------------------------------------
nf=$(want_code 4.04)
check "$nf" "4.04: Read of an undefined object /9999" read /9999
check "$nf" "4.04: Read of an undefined object in text /9999" read /9999 text
check "$nf" "4.04: Read of a missing instance /3/1" read /3/1 tlv
check "$nf" "4.04: Read of a missing instance in CBOR /3303/7" read /3303/7 cbor
check "$nf" "4.04: Read of an undefined resource /3/0/99" read /3/0/99
check "$nf" "4.04: Read of an uninstantiated resource /3/0/22" read /3/0/22
check "$nf" "4.04: Read of a missing resource instance /3/0/6/7" read /3/0/6/7 text
check "$nf" "4.04: Discover of an undefined object /9999" discover /9999
check "$nf" "4.04: Discover of a missing instance /3/1" discover /3/1
check "$nf" "4.04: Discover of an undefined resource /3/0/99" discover /3/0/99
check "$nf" "4.04: Write-Attributes on /9999" write-attr /9999 pmin=1
check "$nf" "4.04: Write-Attributes on /3303/9" write-attr /3303/9 pmin=1
check "$nf" "4.04: Write-Attributes on /3303/0/9999" write-attr /3303/0/9999 pmin=1
check "$nf" "4.04: Write-Attributes on /3/0/6/5" write-attr /3/0/6/5 pmax=9
check "$nf" "4.04: Execute of /3/0/99" execute /3/0/99
check "$nf" "4.04: Execute of /3/1/4" execute /3/1/4
check "$nf" "4.04: Execute of /9999/0/1" execute /9999/0/1

# ---- errors: 4.05 ---------------------------------------------------------
na=$(want_code 4.05)
check "$na" "4.05: Read of the executable Reboot /3/0/4" read /3/0/4
check "$na" "4.05: Read of the executable Reset Min/Max /3303/0/5605" read /3303/0/5605 text
check "$na" "4.05: Execute of the readable Manufacturer /3/0/0" execute /3/0/0
check "$na" "4.05: Execute of the readable Sensor Value /3303/0/5700" execute /3303/0/5700
check "$na" "4.05: Discover of a resource instance /3/0/6/0" discover /3/0/6/0
check "$na" "4.05: Write-Attributes on the executable Reboot /3/0/4" write-attr /3/0/4 pmin=1

# ---- errors: 4.06 ---------------------------------------------------------
nacc=$(want_code 4.06)
check "$nacc" "4.06: text on the object /3303" read /3303 text
check "$nacc" "4.06: CBOR on the object /3303" read /3303 cbor
check "$nacc" "4.06: text on the multiple resource /3/0/6" read /3/0/6 text
check "$nacc" "4.06: opaque on the String /3/0/0" read /3/0/0 opaque
check "$nacc" "4.06: LwM2M CBOR (11544, not encoded) on /3/0/0" read /3/0/0 lwm2m-cbor
check "$nacc" "4.06: LwM2M CBOR on the instance /3/0" read /3/0 lwm2m-cbor

# ---- errors: 4.00 Write-Attributes; a refused one changes nothing ----------
br=$(want_code 4.00)
check "$br" "4.00: Write-Attributes with lt = gt" write-attr /3303/0/5700 'gt=30&lt=30'
check "$br" "4.00: Write-Attributes with lt > gt" write-attr /3303/0/5700 'gt=10&lt=20'
check "$br" "4.00: Write-Attributes with lt + 2*st = gt" write-attr /3303/0/5700 'gt=30&lt=20&st=5'
check "$br" "4.00: Write-Attributes with lt + 2*st > gt" write-attr /3303/0/5700 'st=6'
check "$br" "4.00: Write-Attributes with pmin > pmax" write-attr /3303/0/5700 'pmin=5&pmax=2'
check "$br" "4.00: Write-Attributes with epmin > epmax" write-attr /3303/0/5700 'epmin=5&epmax=2'
check "$br" "4.00: Write-Attributes with pmin=abc" write-attr /3303/0/5700 pmin=abc
check "$br" "4.00: Write-Attributes with pmin=-1" write-attr /3303/0/5700 pmin=-1
check "$br" "4.00: Write-Attributes with gt=1e (a bad number)" write-attr /3303/0/5700 gt=1e
check "$br" "4.00: Write-Attributes with gt=0x10" write-attr /3303/0/5700 gt=0x10
check "$br" "4.00: Write-Attributes with st=-1" write-attr /3303/0/5700 st=-1
check "$br" "4.00: Write-Attributes with an empty value" write-attr /3303/0/5700 pmin=
check "$br" "4.00: Write-Attributes with an unknown attribute" write-attr /3303/0/5700 foo=1
check "$br" "4.00: Write-Attributes naming pmin twice" write-attr /3303/0/5700 'pmin=1&pmin=2'
check "$br" "4.00: gt on a String resource" write-attr /3303/0/5701 gt=1
check "$br" "4.00: gt on an instance" write-attr /3303/0 gt=1
check "$br" "4.00: gt on a multiple resource" write-attr /3/0/6 gt=1
check "$(want_text 40 '</3303/0/5700>;pmin=2;pmax=60;gt=30;lt=20;st=4.5')" \
	"4.00: the refused Write-Attributes changed nothing" discover /3303/0/5700

# ---- errors: 4.00 Execute arguments (LwM2M 1.0 syntax: 0,1='text') ---------
ch=$(want_code 2.04)
check "$ch" "Execute with no arguments is 2.04" execute /3303/0/5605
check "$ch" "Execute with 0='a',1 is 2.04" execute /3303/0/5605 "0='a',1"
check "$ch" "Execute of Reset Error Code with 3,4='x-y' is 2.04" execute /3/0/12 "3,4='x-y'"
check "$br" "4.00: Execute with the argument x" execute /3303/0/5605 x
check "$br" "4.00: Execute with two digits (12)" execute /3303/0/5605 12
check "$br" "4.00: Execute with a trailing comma" execute /3303/0/5605 0,
check "$br" "4.00: Execute with an unquoted value (0=a)" execute /3303/0/5605 0=a
check "$br" "4.00: Execute with an unterminated value" execute /3303/0/5605 "0='a"
check "$br" "4.00: Execute with a space in the value" execute /3303/0/5605 "0='a b'"
# The path is judged before the arguments.
check "$nf" "4.04 before 4.00: bad arguments to a missing resource /3/0/99" execute /3/0/99 x
check "$na" "4.05 before 4.00: bad arguments to the readable /3/0/0" execute /3/0/0 x

# ---- errors: 4.00 Discover depth -----------------------------------------
check "$br" "4.00: Discover with depth=4" discover /3 depth=4
check "$br" "4.00: Discover with depth=x" discover /3 depth=x
check "$br" "4.00: Discover with depth= (empty)" discover /3/0 depth=
check "$br" "4.00: Discover with depth=-1" discover /3/0 depth=-1

stop_bridge
ts_wait a 1 "^DEREGISTER" "de-registered from the 1.1 server"
expect_status 0 "the bridge exits 0 on SIGTERM"

# ======== LwM2M 1.0 ======================================================
srv=b
rm -f "$bridge_log"
ts_start b 0
conf "$tmp/b.conf" "$b_port" 1.0
start_bridge -c "$tmp/b.conf"
ts_wait b 1 "^REGISTER ep=gw-test .*lwm2m=1.0 " "registered with LwM2M 1.0"
ask read /3/0/16 text
bnd=${got#*payload=}
case $bnd in
UQ) ok "237: Supported Binding and Modes without T for a 1.0 server" ;;
*) not_ok "237: Supported Binding and Modes without T for a 1.0 server" "$got" ;;
esac
bndx=$(hx "$bnd") bndt=$(printf %02x $((0xc0 + ${#bnd})))
dev_tlv="${tlv_head}TTTTTTTT${tlv_tail}${bndt}10${bndx}${tlv_tail_b}"

check "$(want_text 0 Acme)" "test_ets_237: a single resource goes as text (1.0)" read /3/0/0
check "$(want_text 0 21.5)" "test_ets_237: a Float resource goes as text (1.0)" read /3303/0/5700
check "$(want_text 0 6)" "test_ets_237: a resource instance goes as text (1.0)" read /3/0/6/0
check "$(want_hex 11542 8606410006410101)" \
	"test_ets_237: a multiple resource goes as TLV (1.0)" read /3/0/6
check "$(want_hex 11542 "$t_inst")" "test_ets_237: an instance goes as TLV (1.0)" read /3303/0
check "$(want_hex 11542 "080029$t_inst")" "test_ets_237: an object goes as TLV (1.0)" read /3303
ask read /3/0
expect_timed "$(want_hex 11542 "$dev_tlv")" "test_ets_237: /3/0 goes as TLV (1.0)"
# The object: 08 00 then the instance's length in one byte.
inst_len=$(printf %02x $((${#dev_tlv} / 2)))
ask read /3
expect_timed "$(want_hex 11542 "0800$inst_len$dev_tlv")" "test_ets_237: /3 goes as TLV (1.0)"
# 1.0 Discover: no resource-instance links, no depth (ignored).
check "$(want_text 40 '</3/0/6>;dim=2')" "test_ets_260: Discover /3/0/6 in 1.0: dim= only" \
	discover /3/0/6
check "$(want_text 40 "</3/0>,$dev_links")" "test_ets_260: 1.0 ignores depth=0" \
	discover /3/0 depth=0
check "$(want_code 2.04)" "test_ets_261: Write-Attributes on /3/0/7 (1.0)" \
	write-attr /3/0/7 'pmin=3'
check "$(want_text 40 '</3/0/7>;dim=2;pmin=3')" "test_ets_261: Discover /3/0/7 shows it (1.0)" \
	discover /3/0/7
check "$(want_code 4.01)" "test_ets_221: Read /0/0 is 4.01 (1.0)" read /0/0
check "$(want_code 4.01)" "test_ets_221: Write-Attributes on /0/0 is 4.01 (1.0)" \
	write-attr /0/0 pmin=1

stop_bridge
ts_wait b 1 "^DEREGISTER" "de-registered from the 1.0 server"
finish
