#!/bin/sh
# The interop harness itself, before the bridge drives it: installs the
# pinned lwm2m-node-lib from the npm registry (cached in the build tree),
# starts tests/interop/lwm2m-node-server.js and plays LwM2M clients against
# it: libcoap's coap-client-gnutls (Register, Update, De-register; it answers
# no requests, so the server's reads after Register must end in READ-ERROR)
# and tests/interop/fake-lwm2m-client.js (a scripted client that answers
# the reads, so READ lines and the wire format of the reads are checked).
#
# Skips (77) without node, npm or coap-client-gnutls, or when the npm
# install fails (no network); with CI=true each of those is a failure,
# since the test command installs them and the registry is reachable.
set -u
. "${top_srcdir:?}/tests/integration/lib.sh"

interop=$top_srcdir/tests/interop
peer_tmp=$(mktemp -d)
. "$interop/peer.sh"
tmp=$peer_tmp
trap 'peer_cleanup; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

command -v coap-client-gnutls >/dev/null 2>&1 ||
	peer_cannot_run "coap-client-gnutls not found (package libcoap3-bin)"

# --- install (cached: a second run must not reinstall) -------------------
peer_install
ok "lwm2m-node-lib installed into the build tree"
expect_status_of "$(grep -c '"version": "1.4.0"' "$peer_dir/node_modules/lwm2m-node-lib/package.json")" \
	1 "the pinned version 1.4.0 is installed"

touch "$peer_dir/node_modules/.harness-marker"
sh "$peer_wrapper" --dir "$peer_dir" --install-only >"$tmp/install2.log" 2>&1
expect_status_of $? 0 "second install-only run succeeds"
if [ -f "$peer_dir/node_modules/.harness-marker" ]; then ok "install is cached (not redone)"; else
	not_ok "install is cached (not redone)" "node_modules was replaced"
fi

sh "$peer_wrapper" --dir "$interop" --install-only >"$tmp/refuse.log" 2>&1
expect_status_of $? 2 "the wrapper refuses to install into the source tree"

# --- helpers ---------------------------------------------------------------
# wait_line REGEX DESCRIPTION: a server line matching REGEX within 20 s.
wait_line() {
	if peer_wait "$1"; then ok "$2"; else
		not_ok "$2" "no server line matches: $1" "server said: $(cat "$peer_out")"
		return 1
	fi
}

# wait_exit DESCRIPTION: the server exits 0 within 20 s.
wait_exit() {
	if peer_reap; then expect_status_of "$peer_status" 0 "$1"; else
		not_ok "$1" "still running after 20 s"
	fi
}

# coap METHOD PATH?QUERY [coap-client args]: one request, output in $out.
coap() {
	method=$1
	uri=$2
	shift 2
	out=$(timeout 20 coap-client-gnutls -v 6 -B 10 -m "$method" "$@" \
		"coap://127.0.0.1:$port/$uri" 2>&1)
}

# --- coap-client as the LwM2M client --------------------------------------
if peer_start main --read-timeout 2 0; then ok "server prints LISTENING"; else
	not_ok "server prints LISTENING" "stdout: $(cat "$peer_out")" "stderr: $(cat "$tmp/main.err")"
	finish
fi
port=$(peer_port)

coap post 'rd?ep=harness&lt=60&lwm2m=1.0&b=U' -t 40 -e '</3/0>'
expect_output 'c:2\.01 .*Location-Path:' "Register is answered 2.01 with a Location-Path"
# coap-client -v 6 prints the answer as `... c:2.01 i:... {..} [ Location-Path:rd/1 ]`;
# every Location-Path option, joined by '/', is the registration's path.
location=$(printf '%s\n' "$out" | grep 'c:2\.01' | tr ',[]' '\n\n\n' |
	sed -n 's/^ *Location-Path:\(.*[^ ]\) *$/\1/p' | paste -sd/ -)
expect_status_of "$([ "$location" = rd/1 ]; echo $?)" 0 \
	"location is rd/1 (one option with a slash in it), got '$location'"
wait_line '^REGISTER ep=harness lt=60 lwm2m=1\.0 b=U links=</3/0>$' "server sees REGISTER"
wait_line '^RESPONSE method=POST uri=/rd?ep=harness&lt=60&lwm2m=1\.0&b=U code=2\.01 location=rd/1$' \
	"server traces its 2.01 with the location"

# coap-client does not answer requests (it has exited or has no resources),
# so the three reads after Register end in READ-ERROR, never in READ.
for path in /3/0/0 /3/0/1 /3/0/3; do
	wait_line "^READ-ERROR ep=harness path=$path error=" "read of $path after Register ends in READ-ERROR"
done
if grep -q '^READ ep=harness' "$peer_out"; then
	not_ok "no READ value from coap-client" "$(grep '^READ ep=harness' "$peer_out")"
else ok "no READ value from coap-client"; fi

coap post "$location?lt=120"
expect_output 'c:2\.04' "Update on the location is answered 2.04"
wait_line '^UPDATE ep=harness path=/rd/1 lt=120 b=- links=-$' "server sees UPDATE"

coap delete "$location"
expect_output 'c:2\.02' "De-register is answered 2.02"
wait_line '^DEREGISTER ep=harness path=/rd/1$' "server sees DEREGISTER"

coap post "$location"
expect_output 'c:4\.04' "Update after De-register is answered 4.04"
wait_line '^RESPONSE method=POST uri=/rd/1 code=4\.04$' "server traces the 4.04"

# --- a client that answers reads -------------------------------------------
out=$(timeout 25 node "$interop/fake-lwm2m-client.js" "$port" fake 2>&1)
expect_status_of $? 0 "scripted client registers, is read, updates, de-registers"
expect_output '^REGISTERED code=2\.01 location=rd/2$' "second registration is rd/2, one option"
expect_output "^GOT GET path=/3/0/0 accept=00 from=$port$" \
	"reads come from the server's port, Accept 0 as one byte 0x00"
wait_line '^READ ep=fake path=/3/0/0 value=Acme Ltd$' "server prints READ of /3/0/0"
wait_line '^READ ep=fake path=/3/0/1 value=Model 7$' "server prints READ of /3/0/1"
wait_line '^READ ep=fake path=/3/0/3 value=1\.0\.2$' "server prints READ of /3/0/3"
wait_line '^UPDATE ep=fake path=/rd/2 lt=120 ' "server sees the scripted client's UPDATE"
wait_line '^DEREGISTER ep=fake path=/rd/2$' "server sees the scripted client's DEREGISTER"

# --- stdin commands and shutdown -------------------------------------------
peer_send 'read nobody /3/0/0'
wait_line '^READ-ERROR ep=nobody path=/3/0/0 error=DEVICE_NOT_FOUND' "read of an unknown endpoint fails"
peer_send 'read fake /3/0'
wait_line '^READ-ERROR ep=fake path=/3/0 error=only /O/I/R' "read of a non-resource path is refused"
peer_send 'frobnicate'
wait_line '^COMMAND-ERROR line=frobnicate$' "unknown command is reported"
peer_send 'quit'
wait_line '^STOPPED reason=quit$' "quit stops the server"
wait_exit "server exits 0 after quit"

peer_start term 0
wait_line '^LISTENING ' "second server listens"
kill -TERM "$peer_pid"
wait_line '^STOPPED reason=SIGTERM$' "SIGTERM stops the server"
wait_exit "server exits 0 after SIGTERM"

peer_start eof 0
wait_line '^LISTENING ' "third server listens"
exec 8>&-
wait_line '^STOPPED reason=stdin closed$' "end of stdin stops the server"
wait_exit "server exits 0 when stdin closes"

finish
