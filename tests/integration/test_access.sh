#!/bin/sh
# Several servers: access control (the Access Control object 2) and each
# server's own attributes, through the real daemon and two test servers.
# Server 1 (a) is listed first: it owns the ordinary instances; server 2
# (b) has the default rights "r" on them and owns only its own Server
# instance.  Test names follow the OMA Enabler Test cases
# (../shared/LWM2M-FACTS.md).
set -u
. "${top_srcdir:?}/tests/integration/lib.sh"
tmp=$(mktemp -d)
. "$top_srcdir/tests/integration/server_lib.sh"
trap 'ts_cleanup; [ -n "$bridge_pid" ] && kill -KILL "$bridge_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

ts_start a 0
ts_start b 0
bridge_conf "$tmp/ab.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$a_port\"; lifetime = 60; },
  { short_server_id = 2; uri = \"coap://127.0.0.1:$b_port\"; lifetime = 60; }"
start_bridge -c "$tmp/ab.conf"
ts_wait a 1 "^REGISTER ep=gw-test .*links=.*</2/0>" "registered with server 1, /2 instances listed"
ts_wait b 1 "^REGISTER ep=gw-test" "registered with server 2"

# The ACL instances in start-up order: /2/0 for /1/0, /2/1 for /1/1,
# /2/2 for /3/0.
ts_cmd b read gw-test /2/2/0
ts_wait b 1 "^RESPONSE .* path=/2/2/0 code=2.05 .*payload=3$" "/2/2 is the ACL of object 3 (everyone reads /2)"
ts_cmd b read gw-test /2/2/3
ts_wait b 1 "^RESPONSE .* path=/2/2/3 code=2.05 .*payload=1$" "its owner is the first server"
ts_cmd b read gw-test /2/1/3
ts_wait b 1 "^RESPONSE .* path=/2/1/3 code=2.05 .*payload=2$" "/1/1's ACL is owned by server 2"

# --- test_ets_551: a server may not touch another server's Server
# --- instance (own one: fine).
ts_cmd b write gw-test /1/0/1 120
ts_wait b 1 "^RESPONSE .* op=write path=/1/0/1 code=4.01" "test_ets_551: server 2 writing /1/0 (server 1's) gets 4.01"
ts_cmd b read gw-test /1/0/1
ts_wait b 1 "^RESPONSE .* op=read path=/1/0/1 code=4.01" "test_ets_551: server 2 reading /1/0 gets 4.01"
ts_cmd b execute gw-test /1/0/8
ts_wait b 1 "^RESPONSE .* op=execute path=/1/0/8 code=4.01" "test_ets_551: server 2 executing /1/0/8 gets 4.01"
ts_cmd b write-attr gw-test /1/0/1 'pmin=5'
ts_wait b 1 "^RESPONSE .* op=write-attr path=/1/0/1 code=4.01" "test_ets_551: Write-Attributes on /1/0 needs Read: 4.01"
ts_cmd b observe gw-test /1/0/1
ts_wait b 1 "^RESPONSE .* op=observe path=/1/0/1 code=4.01" "test_ets_551: Observe of /1/0 needs Read: 4.01"
ts_cmd a write gw-test /1/1/1 120
ts_wait a 1 "^RESPONSE .* op=write path=/1/1/1 code=4.01" "test_ets_551: server 1 writing /1/1 (server 2's) gets 4.01"
ts_cmd b write gw-test /1/1/1 90
ts_wait b 1 "^RESPONSE .* op=write path=/1/1/1 code=2.04" "551: server 2 writes its own /1/1"
ts_wait b 1 "^UPDATE .* lt=90 " "551: its new lifetime goes out in an Update to server 2"
ts_cmd b read gw-test /1 senml-json
ts_wait b 1 "^RESPONSE .* op=read path=/1 code=2.05 " "551: server 2 reads object 1"
line=$(grep "^RESPONSE .* op=read path=/1 code=2.05 " "$tmp/b.out" | head -1)
# SenML names relative to "bn":"/1/": instance 1 only, no "0/..." row.
case $line in
*'"bn":"/1/"'*'"n":"1/0"'*) case $line in
	*'"n":"0/'*) not_ok "551: object 1 read by server 2 holds /1/1 only" "$line" ;;
	*) ok "551: object 1 read by server 2 holds /1/1 only" ;;
	esac ;;
*) not_ok "551: object 1 read by server 2 holds /1/1 only" "$line" ;;
esac

# --- ACLs between servers: Read allowed, Write and Execute not, until the
# --- owner grants them.
ts_cmd b read gw-test /3/0/0
ts_wait b 1 "^RESPONSE .* op=read path=/3/0/0 code=2.05 " "acl: server 2 reads /3/0/0 (rights r)"
ts_cmd b write gw-test /3/0/14 +02
ts_wait b 1 "^RESPONSE .* op=write path=/3/0/14 code=4.01" "acl: server 2 writing /3/0/14 gets 4.01"
ts_cmd b execute gw-test /3/0/4
ts_wait b 1 "^RESPONSE .* op=execute path=/3/0/4 code=4.01" "acl: server 2 executing /3/0/4 gets 4.01"
ts_cmd b write gw-test /2/2/2/2 3
ts_wait b 1 "^RESPONSE .* op=write path=/2/2/2/2 code=4.01" "acl: server 2 may not change the ACL (not the owner)"
ts_cmd b read gw-test /3/9/0
ts_wait b 1 "^RESPONSE .* op=read path=/3/9/0 code=4.04" "acl: a missing instance is 4.04"
ts_cmd a write gw-test /3/0/14 +01
ts_wait a 1 "^RESPONSE .* op=write path=/3/0/14 code=2.04" "acl: the owner (server 1) writes /3/0/14"
ts_cmd a write gw-test /2/2/2/2 3
ts_wait a 1 "^RESPONSE .* op=write path=/2/2/2/2 code=2.04" "acl: the owner grants server 2 Read and Write"
ts_cmd b write gw-test /3/0/14 +02
ts_wait b 1 "^RESPONSE .* op=write path=/3/0/14 code=2.04" "acl: now server 2 writes /3/0/14"
ts_cmd b execute gw-test /3/0/4
ts_wait b 2 "^RESPONSE .* op=execute path=/3/0/4 code=4.01" "acl: Execute still 4.01 (bit 4 not granted)"
ts_cmd a write gw-test /2/2/2/2 0
ts_wait a 2 "^RESPONSE .* op=write path=/2/2/2/2 code=2.04" "acl: the owner takes every right away"
ts_cmd b read gw-test /3/0/0
ts_wait b 1 "^RESPONSE .* op=read path=/3/0/0 code=4.01" "acl: then server 2 reading /3/0/0 gets 4.01"

# --- test_ets_951: both observe the same sim value; server 1's pmin=4
# --- does not slow server 2's notifications (about one a second).
ts_cmd a write-attr gw-test /3303/0/5700 'pmin=4'
ts_wait a 1 "^RESPONSE .* op=write-attr path=/3303/0/5700 code=2.04" "test_ets_951: server 1 sets pmin=4"
ts_cmd a observe gw-test /3303/0/5700
ts_cmd b observe gw-test /3303/0/5700
ts_wait a 1 "^RESPONSE .* op=observe path=/3303/0/5700 code=2.05" "951: server 1 observes"
ts_wait b 1 "^RESPONSE .* op=observe path=/3303/0/5700 code=2.05" "951: server 2 observes"
na=$(ts_count a '^NOTIFY .* path=/3303/0/5700')
nb=$(ts_count b '^NOTIFY .* path=/3303/0/5700')
sleep 6.5
na=$(( $(ts_count a '^NOTIFY .* path=/3303/0/5700') - na ))
nb=$(( $(ts_count b '^NOTIFY .* path=/3303/0/5700') - nb ))
if [ "$na" -ge 1 ] && [ "$na" -le 2 ]; then ok "test_ets_951: server 1 (pmin=4): 1 or 2 notifications in 6.5 s ($na)"
else not_ok "test_ets_951: server 1 (pmin=4): 1 or 2 notifications in 6.5 s" "got $na"; fi
if [ "$nb" -ge 4 ]; then ok "test_ets_951: server 2 (no pmin): at least 4 notifications in 6.5 s ($nb)"
else not_ok "test_ets_951: server 2 (no pmin): at least 4 notifications in 6.5 s" "got $nb"; fi
# Rights taken away apply to notifications too.  The ACL instance of
# /3303/0 from a read of object 2: {"n":"X/0","v":3303},{"n":"X/1","v":0}.
ts_cmd a read gw-test /2 senml-json
ts_wait a 1 "^RESPONSE .* op=read path=/2 code=2.05 " "951: server 1 reads object 2"
x=$(grep "^RESPONSE .* op=read path=/2 code=2.05 " "$tmp/a.out" | head -1 |
	grep -o '"n":"[0-9]*/0","v":3303},{"n":"[0-9]*/1","v":0}' |
	sed 's/^"n":"\([0-9]*\)\/.*/\1/')
if [ -n "$x" ]; then ok "951: /2/$x is the ACL of /3303/0"
else not_ok "951: the ACL of /3303/0 is in object 2" "$(grep 'path=/2 ' "$tmp/a.out" | cut -c1-300)"; fi
ts_cmd a write gw-test "/2/$x/2/2" 0
ts_wait a 1 "^RESPONSE .* op=write path=/2/$x/2/2 code=2.04" "951: the owner takes server 2's Read on /3303/0 away"
ts_wait b 1 "^NOTIFY .* path=/3303/0/5700 code=4.01 cf=none len=0$" \
	"951: server 2's observation ends with a 4.01 notification"
nb=$(ts_count b '^NOTIFY .* path=/3303/0/5700')
# The value changes every second: 3 s would bring about 3 notifications.
sleep 3
expect_status_of "$(( $(ts_count b '^NOTIFY .* path=/3303/0/5700') - nb ))" 0 \
	"951: server 2 gets no more notifications of /3303/0/5700"
stop_bridge
ts_wait a 1 "^DEREGISTER" "de-registered from server 1"
ts_wait b 1 "^DEREGISTER" "de-registered from server 2"

# --- One server: no access control, no /2 instances.
ts_start s 0
bridge_conf "$tmp/s.conf" "{ short_server_id = 1; uri = \"coap://127.0.0.1:$s_port\"; lifetime = 60; }"
start_bridge -c "$tmp/s.conf"
ts_wait s 1 "^REGISTER ep=gw-test" "one server: registered"
if grep "^REGISTER ep=gw-test" "$tmp/s.out" | grep -q "</2/"; then
	not_ok "one server: no /2 instances" "$(grep '^REGISTER' "$tmp/s.out")"
else ok "one server: no /2 instances"; fi
ts_cmd s write gw-test /3/0/14 +02
ts_wait s 1 "^RESPONSE .* op=write path=/3/0/14 code=2.04" "one server: it may write /3/0/14"
stop_bridge

finish
