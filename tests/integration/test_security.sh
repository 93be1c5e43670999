#!/bin/sh
# DTLS with X.509 certificates and with raw public keys, end to end: the
# real daemon against tests/tools/lwm2m-test-server on loopback.  (PSK,
# ETS 401, is in test_registration.sh.  The OMA ETS numbers of the
# certificate and RPK cases could not be checked here, so the names below
# do not claim any.)  Keys and certificates are made at test time with
# openssl; without it the test is skipped.
set -u
. "${top_srcdir:?}/tests/integration/lib.sh"
if grep -q '^#define BRIDGE_COAP_VARIANT "notls"' "$top_builddir/config.h"; then
	echo "SKIP: built without DTLS (--with-dtls=no)"
	exit 77
fi
if ! command -v openssl >/dev/null 2>&1; then
	echo "SKIP: openssl not found"
	exit 77
fi
tmp=$(mktemp -d)
. "$top_srcdir/tests/integration/server_lib.sh"
trap 'ts_cleanup; [ -n "$bridge_pid" ] && kill -KILL "$bridge_pid" 2>/dev/null; rm -rf "$tmp"' EXIT

fast='communication_retry_timer = 1; communication_retry_count = 10; ack_timeout_ms = 1000; max_retransmit = 1;'
k="$tmp/keys"
mkdir "$k"

# gen_ca NAME: a self-signed EC P-256 CA, NAME.key and NAME.crt.
gen_ca() {
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
		-nodes -keyout "$k/$1.key" -out "$k/$1.crt" -days 2 \
		-subj "/CN=$1 test CA" \
		-addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign,cRLSign 2>"$k/$1.err"
}

# gen_leaf NAME CN CA [EXTENSION]: NAME.key and NAME.crt signed by CA.
gen_leaf() {
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes \
		-keyout "$k/$1.key" -out "$k/$1.csr" -subj "/CN=$2" \
		2>"$k/$1.err" || return 1
	printf 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\n%s\n' \
		"${4:-}" >"$k/$1.ext"
	openssl x509 -req -in "$k/$1.csr" -CA "$k/$3.crt" -CAkey "$k/$3.key" \
		-CAcreateserial -days 2 -out "$k/$1.crt" -extfile "$k/$1.ext" \
		2>>"$k/$1.err"
}

# gen_rpk NAME: NAME.pem ("EC PRIVATE KEY", which holds the public key too),
# NAME.pub.pem and NAME.pub.der (SubjectPublicKeyInfo).
gen_rpk() {
	openssl ecparam -name prime256v1 -genkey -noout -out "$k/$1.pem" &&
		openssl ec -in "$k/$1.pem" -pubout -out "$k/$1.pub.pem" \
			2>/dev/null &&
		openssl ec -in "$k/$1.pem" -pubout -outform DER \
			-out "$k/$1.pub.der" 2>/dev/null
}

if gen_ca ca && gen_ca other &&
	gen_leaf server 127.0.0.1 ca "subjectAltName=IP:127.0.0.1" &&
	gen_leaf client gw-test ca && gen_leaf rogue gw-test other &&
	gen_leaf impostor 127.0.0.1 other "subjectAltName=IP:127.0.0.1" &&
	gen_rpk srv_rpk && gen_rpk cli_rpk && gen_rpk other_rpk; then
	ok "keys and certificates generated"
else
	not_ok "keys and certificates generated" "$(cat "$k"/*.err)"
	finish
fi

# cert_server CLIENT_CERT_NAME: a certificate-mode server entry.
cert_server() {
	echo "{ short_server_id = 1; uri = \"coaps://127.0.0.1:$2\"; lifetime = 30; security_mode = \"certificate\"; certificate_file = \"$k/$1.crt\"; private_key_file = \"$k/$1.key\"; server_certificate_file = \"$k/ca.crt\"; $fast }"
}

# --- X.509: mutual authentication against one CA.
ts_start x 0 --cert "$k/server.crt" --key "$k/server.key" --ca "$k/ca.crt"
bridge_conf "$tmp/x.conf" "$(cert_server client "$x_port")"
start_bridge -c "$tmp/x.conf"
ts_wait x 1 "^REGISTER ep=gw-test " \
	"test_security_certificate: registered over DTLS with X.509 certificates" 10
ts_wait x 1 "^PEER cn=gw-test depth=0 " \
	"certificate: the server verified the client certificate (CN gw-test)" 1
ts_cmd x read gw-test /3/0/0
ts_wait x 1 "^RESPONSE .* path=/3/0/0 code=2.05 cf=0 len=20 payload=lwm2m-bridge project" \
	"certificate: a Read over DTLS"
stop_bridge
expect_status_of "$status" 0 "certificate: SIGTERM: exit status 0"
ts_wait x 1 "^DEREGISTER id=1 ep=gw-test" "certificate: De-register over DTLS" 3
expect_status_of "$(ts_count x '^ERROR op=dtls')" 0 "certificate: no refused handshake"

# --- X.509: a client certificate from another CA is refused; the daemon
# --- keeps retrying with back-off and keeps running.
ts_start r 0 --cert "$k/server.crt" --key "$k/server.key" --ca "$k/ca.crt"
bridge_conf "$tmp/r.conf" "$(cert_server rogue "$r_port")"
start_bridge -c "$tmp/r.conf"
ts_wait r 2 "^ERROR op=dtls reason=handshake-failed " \
	"certificate: the server refuses a client certificate from another CA, twice" 10
wait_for_log "register failed .* attempt 2 of 10; retrying in" \
	"certificate: the bridge retries the handshake with back-off"
wait_for_log "session down" "certificate: the bridge logs the failed session"
expect_status_of "$(ts_count r '^REGISTER')" 0 "certificate: no registration with the wrong CA"
if kill -0 "$bridge_pid" 2>/dev/null; then ok "certificate: the daemon keeps running"; else
	not_ok "certificate: the daemon keeps running" "$(cat "$bridge_log")"
fi
stop_bridge
expect_status_of "$status" 0 "certificate: SIGTERM while the handshake fails: exit status 0"

# --- X.509: a server whose certificate is from another CA is refused by
# --- the bridge.
ts_start i 0 --cert "$k/impostor.crt" --key "$k/impostor.key" --ca "$k/ca.crt"
bridge_conf "$tmp/i.conf" "$(cert_server client "$i_port")"
start_bridge -c "$tmp/i.conf"
wait_for_log "register failed .* attempt 2 of 10; retrying in" \
	"certificate: the bridge refuses a server certificate from another CA"
expect_status_of "$(ts_count i '^REGISTER')" 0 "certificate: no registration with an unverified server"
stop_bridge

# --- RPK (libcoap's GnuTLS variant): raw public keys on both sides.
rpk_server() {
	echo "{ short_server_id = 1; uri = \"coaps://127.0.0.1:$2\"; lifetime = 30; security_mode = \"rpk\"; private_key_file = \"$k/cli_rpk.pem\"; server_public_key_file = \"$k/$1\"; $fast }"
}
variant=$(sed -n 's/^#define BRIDGE_COAP_VARIANT "\(.*\)"$/\1/p' "$top_builddir/config.h")
if [ "$variant" = gnutls ]; then
	ts_start p 0 --rpk --key "$k/srv_rpk.pem" --rpk-peer "$k/cli_rpk.pub.der"
	bridge_conf "$tmp/p.conf" "$(rpk_server srv_rpk.pub.pem "$p_port")"
	start_bridge -c "$tmp/p.conf"
	ts_wait p 1 "^REGISTER ep=gw-test " \
		"test_security_rpk: registered over DTLS with raw public keys" 10
	ts_wait p 1 "^PEER cn=RPK depth=0 " "rpk: the server checked the client's key" 1
	ts_cmd p read gw-test /3/0/0
	ts_wait p 1 "^RESPONSE .* path=/3/0/0 code=2.05 " "rpk: a Read over DTLS"
	stop_bridge
	expect_status_of "$status" 0 "rpk: SIGTERM: exit status 0"
	ts_wait p 1 "^DEREGISTER id=1 ep=gw-test" "rpk: De-register over DTLS" 3

	# The client's key is not the one the server knows.
	ts_start q 0 --rpk --key "$k/srv_rpk.pem" --rpk-peer "$k/other_rpk.pub.der"
	bridge_conf "$tmp/q.conf" "$(rpk_server srv_rpk.pub.pem "$q_port")"
	start_bridge -c "$tmp/q.conf"
	ts_wait q 1 "^ERROR op=dtls reason=unknown-key " \
		"rpk: the server refuses an unknown client key" 10
	wait_for_log "register failed .* attempt 2 of 10; retrying in" \
		"rpk: the bridge retries with back-off"
	expect_status_of "$(ts_count q '^REGISTER')" 0 "rpk: no registration with an unknown key"
	stop_bridge

	# The server's key is not the configured one.
	ts_start s 0 --rpk --key "$k/other_rpk.pem" --rpk-peer "$k/cli_rpk.pub.der"
	bridge_conf "$tmp/s.conf" "$(rpk_server srv_rpk.pub.pem "$s_port")"
	start_bridge -c "$tmp/s.conf"
	wait_for_log "the server's public key is not the one in $k/srv_rpk.pub.pem" \
		"rpk: the bridge refuses a server key that is not the configured one"
	expect_status_of "$(ts_count s '^REGISTER')" 0 "rpk: no registration with the wrong server"
	stop_bridge
else
	# libcoap's OpenSSL variant has no RPK (cio_session_new: ENOTSUP).
	echo "# SKIP rpk: libcoap $variant has no RPK"
fi

finish
