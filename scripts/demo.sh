#!/bin/sh
# The bridge on its built-in defaults, as a first look: what it exposes
# (--dump), then the daemon registering with a local LwM2M server (our test
# server on 127.0.0.1:5683, the default server address), answering the
# server's Reads, notifying an observed temperature, and de-registering
# when it stops.
#   usage: sh scripts/demo.sh BRIDGE TEST_SERVER   (DEMO_SECONDS, default 8)
set -u
bridge=$1
server=$2
seconds=${DEMO_SECONDS:-8}
tmp=$(mktemp -d)
trap 'kill $server_pid $holder_pid $bridge_pid 2>/dev/null; rm -rf "$tmp"' EXIT INT TERM

echo "== lwm2m-bridge --dump (built-in defaults: Device object, sim plugin)"
"$bridge" --dump 2>/dev/null

echo
echo "== our LwM2M server on 127.0.0.1:5683, the bridge registering with it"
mkfifo "$tmp/cmd"
sleep 3600 >"$tmp/cmd" &
holder_pid=$!
"$server" --listen 127.0.0.1:5683 <"$tmp/cmd" >"$tmp/events" 2>&1 &
server_pid=$!
i=0
until grep -q '^LISTENING' "$tmp/events" 2>/dev/null; do
	i=$((i + 1))
	if [ $i -gt 50 ] || ! kill -0 $server_pid 2>/dev/null; then
		echo "demo: the LwM2M server cannot listen on 127.0.0.1:5683:"
		cat "$tmp/events"
		exit 1
	fi
	sleep 0.1
done
"$bridge" 2>"$tmp/bridge.log" &
bridge_pid=$!
i=0
until grep -q '^REGISTER' "$tmp/events"; do
	i=$((i + 1))
	if [ $i -gt 100 ]; then
		echo "demo: the bridge did not register; its log:"
		cat "$tmp/bridge.log"
		exit 1
	fi
	sleep 0.1
done
ep=$(sed -n 's/^REGISTER ep=\([^ ]*\) .*/\1/p' "$tmp/events" | head -1)
for path in /3/0/0 /3/0 /3303/0/5700; do
	printf 'read %s %s senml-json\n' "$ep" "$path" >"$tmp/cmd"
done
printf 'read %s /3303/0/5700\n' "$ep" >"$tmp/cmd"
# Observe the simulated temperature: at most one notification a second
# (pmin), at least one every 3 s (pmax), one for every change in between.
printf 'write-attr %s /3303/0/5700 pmin=1&pmax=3\n' "$ep" >"$tmp/cmd"
printf 'observe %s /3303/0/5700\n' "$ep" >"$tmp/cmd"
sleep "$seconds"
# Cancel the observation (GET with Observe 1), then read once more: the
# temperature has moved on since the first read.
printf 'cancel %s /3303/0/5700\n' "$ep" >"$tmp/cmd"
printf 'read %s /3303/0/5700\n' "$ep" >"$tmp/cmd"
sleep 0.5
kill -TERM $bridge_pid
wait $bridge_pid 2>/dev/null
bridge_pid=""
sleep 0.5
echo "-- the bridge's log:"
cat "$tmp/bridge.log"
echo "-- what the server saw:"
cut -c1-300 "$tmp/events"
