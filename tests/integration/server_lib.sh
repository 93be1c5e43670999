# Driving tests/tools/lwm2m-test-server from an integration test (sourced
# after lib.sh, with $tmp set).  Each server has a NAME: its commands go
# through the FIFO $tmp/NAME.in, its event lines land in $tmp/NAME.out.
test_server="$top_builddir/tests/tools/lwm2m-test-server"
ts_holders=""
ts_pids=""

# ts_start NAME PORT [ARGS...]: starts a server on 127.0.0.1:PORT (0: any
# free port) and waits for it to listen; sets NAME_port.
ts_start() {
	name=$1
	port=$2
	shift 2
	rm -f "$tmp/$name.in" "$tmp/$name.out"
	mkfifo "$tmp/$name.in"
	# A writer that keeps the FIFO open, so the server never sees EOF
	# between two commands.
	sleep 600 >"$tmp/$name.in" &
	ts_holders="$ts_holders $!"
	"$test_server" --listen "127.0.0.1:$port" "$@" <"$tmp/$name.in" \
		>"$tmp/$name.out" 2>&1 &
	eval "${name}_pid=$!"
	ts_pids="$ts_pids $!"
	i=0
	while [ $i -lt 100 ]; do
		p=$(sed -n 's/^LISTENING 127\.0\.0\.1:\([0-9]*\)$/\1/p' \
			"$tmp/$name.out" 2>/dev/null)
		if [ -n "$p" ]; then
			eval "${name}_port=$p"
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	not_ok "test server $name starts" "$(cat "$tmp/$name.out")"
	return 1
}

# ts_cmd NAME COMMAND...: one command line to the server.
ts_cmd() {
	name=$1
	shift
	printf '%s\n' "$*" >"$tmp/$name.in"
}

# ts_count NAME PATTERN: how many event lines match.
ts_count() {
	grep -c -- "$2" "$tmp/$1.out" 2>/dev/null || true
}

# ts_wait NAME N PATTERN DESCRIPTION [SECONDS]: waits (default 15 s) until
# at least N event lines match PATTERN.
ts_wait() {
	limit=$(( ${5:-15} * 10 ))
	i=0
	while [ $i -lt "$limit" ]; do
		if [ "$(ts_count "$1" "$3")" -ge "$2" ]; then
			ok "$4"
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	not_ok "$4" "fewer than $2 lines of $1 match: $3" \
		"events: $(cut -c1-200 "$tmp/$1.out")" \
		"bridge log: $(tail -20 "$bridge_log" 2>/dev/null)"
	return 1
}

# ts_kill NAME: ends a server at once (as a crash or restart would).
ts_kill() {
	eval "pid=\$${1}_pid"
	kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# ts_cleanup: every server and FIFO holder (call from the EXIT trap).
ts_cleanup() {
	for p in $ts_pids $ts_holders; do kill -KILL "$p" 2>/dev/null; done
}

# bridge_conf FILE SERVERS_ENTRIES [EXTRA...]: a bridge configuration with
# the source tree's objects, the sim plugin and the given servers list.
bridge_conf() {
	file=$1
	servers=$2
	shift 2
	cat >"$file" <<EOT
endpoint = "gw-test";
log_level = "info";
object_dirs = [ "$top_srcdir/objects" ];
plugin_dir = "$top_builddir/plugins/sim/.libs";
plugins = ( { plugin = "sim"; settings = { seed = 7; }; } );
servers = ( $servers );
$*
EOT
}

# stop_bridge: SIGTERM and wait; sets status.
stop_bridge() {
	kill -TERM "$bridge_pid" 2>/dev/null
	wait "$bridge_pid"
	status=$?
}
