# Shell helpers (sourced) for tests that run the npm LwM2M peer,
# tests/interop/lwm2m-node-server.js.  POSIX sh.  Needs $top_srcdir and
# $top_builddir (set by `make check`) and a scratch directory in $peer_tmp.
# Holds the server's stdin open on file descriptor 8 (a FIFO): do not use
# fd 8 in the calling test.
#
#   peer_cannot_run MESSAGE   exit 77 (SKIP), or exit 1 when CI=true
#   peer_install              install the pinned lwm2m-node-lib (cached), or
#                             peer_cannot_run
#   peer_start NAME ARGS...   start the server (ARGS go to the server, e.g.
#                             `--read-timeout 5 0`); sets peer_pid and
#                             peer_out (its stdout file); returns 1 if the
#                             server is not listening within 20 s
#   peer_port                 after peer_start: the UDP port it listens on
#   peer_wait REGEX [TENTHS]  0 when a stdout line matches REGEX within
#                             TENTHS tenths of a second (default 200)
#   peer_count REGEX          how many stdout lines match REGEX so far
#   peer_wait_n N REGEX [TENTHS]
#                             0 when at least N lines match REGEX within
#                             TENTHS tenths of a second (default 200)
#   peer_send LINE            a command on the server's stdin (`read EP PATH`,
#                             `write EP PATH VALUE`, `observe EP PATH`, ...:
#                             see README.md), or `quit`
#   peer_stop                 `quit`, then SIGKILL if not gone within 20 s;
#                             returns the server's exit status
#   peer_cleanup              for an EXIT trap: kills a running server
: "${top_srcdir:?}" "${top_builddir:?}" "${peer_tmp:?}"
peer_dir=${LWM2M_INTEROP_DIR:-$top_builddir/tests/interop-node}
peer_wrapper=$top_srcdir/tests/interop/run-node-server.sh
peer_pid=""
peer_out=""

peer_cannot_run() {
	if [ "${CI:-}" = true ]; then
		echo "FAIL: $1 (CI=true: the interop peer must run in CI)"
		exit 1
	fi
	echo "SKIP: $1"
	exit 77
}

peer_install() {
	for _peer_tool in node npm; do
		command -v "$_peer_tool" >/dev/null 2>&1 ||
			peer_cannot_run "$_peer_tool not found (packages: nodejs npm)"
	done
	_peer_started=$(date +%s)
	sh "$peer_wrapper" --dir "$peer_dir" --install-only >"$peer_tmp/install.log" 2>&1
	_peer_status=$?
	echo "# npm install: $(($(date +%s) - _peer_started)) s, status $_peer_status, in $peer_dir"
	if [ "$_peer_status" -ne 0 ]; then
		tail -n 20 "$peer_tmp/install.log" | sed 's/^/#   /'
		peer_cannot_run "npm install of lwm2m-node-lib failed (no network?)"
	fi
}

peer_start() {
	_peer_name=$1
	shift
	rm -f "$peer_tmp/peer.in"
	mkfifo "$peer_tmp/peer.in" || return 1
	# Read-write open: neither side blocks, and closing fd 8 ends stdin.
	exec 8<>"$peer_tmp/peer.in"
	peer_out=$peer_tmp/$_peer_name.out
	sh "$peer_wrapper" --dir "$peer_dir" -- "$@" <"$peer_tmp/peer.in" \
		>"$peer_out" 2>"$peer_tmp/$_peer_name.err" 8>&- &
	peer_pid=$!
	peer_wait '^LISTENING 127\.0\.0\.1:[0-9][0-9]*$'
}

peer_port() {
	sed -n 's/^LISTENING 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$peer_out"
}

peer_wait() {
	_peer_i=0
	while [ "$_peer_i" -lt "${2:-200}" ]; do
		grep -q -- "$1" "$peer_out" 2>/dev/null && return 0
		sleep 0.1
		_peer_i=$((_peer_i + 1))
	done
	return 1
}

peer_count() {
	grep -c -- "$1" "$peer_out" 2>/dev/null || true
}

peer_wait_n() {
	_peer_i=0
	while [ "$_peer_i" -lt "${3:-200}" ]; do
		[ "$(peer_count "$2")" -ge "$1" ] && return 0
		sleep 0.1
		_peer_i=$((_peer_i + 1))
	done
	return 1
}

peer_send() {
	printf '%s\n' "$1" >&8
}

# peer_reap: 0 if the server exited within 20 s ($peer_status set).
peer_reap() {
	_peer_i=0
	while [ "$_peer_i" -lt 200 ] && kill -0 "$peer_pid" 2>/dev/null; do
		sleep 0.1
		_peer_i=$((_peer_i + 1))
	done
	if kill -0 "$peer_pid" 2>/dev/null; then
		kill -KILL "$peer_pid" 2>/dev/null
		wait "$peer_pid" 2>/dev/null
		peer_pid=""
		return 1
	fi
	wait "$peer_pid"
	peer_status=$?
	peer_pid=""
	exec 8>&-
	return 0
}

peer_stop() {
	[ -n "$peer_pid" ] || return 0
	peer_send quit
	peer_reap || return 1
	return "$peer_status"
}

peer_cleanup() {
	if [ -n "$peer_pid" ] && kill -0 "$peer_pid" 2>/dev/null; then
		kill -KILL "$peer_pid" 2>/dev/null
	fi
	peer_pid=""
}
