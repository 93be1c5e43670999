# Helpers for the integration tests (sourced).  Each expect_* counts one
# check; finish prints "N passed, N failed" and sets the exit status.
: "${top_builddir:?}" "${top_srcdir:?}"
bridge="$top_builddir/lwm2m-bridge"
passed=0
failed=0
out=""
status=0
bridge_pid=""
bridge_log=""

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() {
	failed=$((failed + 1))
	echo "not ok - $1"
	shift
	for _nok_line in "$@"; do echo "#   $_nok_line"; done
}

# run_bridge ARGS...: runs to completion; sets $out (stdout+stderr), $status.
run_bridge() {
	out=$("$bridge" "$@" 2>&1)
	status=$?
}

expect_status() {
	if [ "$status" -eq "$1" ]; then ok "$2"; else
		not_ok "$2" "expected status $1, got $status" "output: $out"
	fi
}

expect_status_of() {
	if [ "$1" -eq "$2" ]; then ok "$3"; else
		not_ok "$3" "expected status $2, got $1"
	fi
}

expect_output() {
	if printf '%s\n' "$out" | grep -q -- "$1"; then ok "$2"; else
		not_ok "$2" "no line matches: $1" "output: $out"
	fi
}

expect_no_output() {
	if printf '%s\n' "$out" | grep -q -- "$1"; then
		not_ok "$2" "a line matches: $1"
	else ok "$2"; fi
}

# start_bridge ARGS...: runs the daemon in the background, log in a file.
start_bridge() {
	bridge_log=$(mktemp)
	"$bridge" "$@" >"$bridge_log" 2>&1 &
	bridge_pid=$!
}

# wait_for_log PATTERN DESCRIPTION: up to 10 s for a log line.
wait_for_log() {
	i=0
	while [ $i -lt 100 ]; do
		if grep -q -- "$1" "$bridge_log" 2>/dev/null; then
			ok "$2"
			return 0
		fi
		sleep 0.1
		i=$((i + 1))
	done
	not_ok "$2" "no log line matches: $1" "log: $(cat "$bridge_log")"
	return 1
}

finish() {
	if [ -n "$bridge_pid" ] && kill -0 "$bridge_pid" 2>/dev/null; then
		kill -KILL "$bridge_pid" 2>/dev/null
	fi
	[ -n "$bridge_log" ] && rm -f "$bridge_log"
	echo "$passed passed, $failed failed"
	[ "$failed" -eq 0 ]
	exit $?
}

# run_bridge_for SECONDS ARGS...: run_bridge, killed after SECONDS (a
# daemon that should have exited at start-up must not hang the suite).
run_bridge_for() {
	limit=$1
	shift
	out=$(timeout "$limit" "$bridge" "$@" 2>&1)
	status=$?
}

# expect_output_count N PATTERN DESCRIPTION: exactly N lines match.
expect_output_count() {
	n=$(printf '%s\n' "$out" | grep -c -- "$2")
	if [ "$n" -eq "$1" ]; then ok "$3"; else
		not_ok "$3" "expected $1 line(s) matching: $2, got $n" "output: $out"
	fi
}
