#!/usr/bin/env bash
# TLS through the shipped nginx config: a CA and a server certificate made here with openssl, a
# real nginx (non-daemon, temp prefix) terminating TLS in front of the collector, enrolment and
# ingest with curl --cacert; the collector sees the client's address through X-Real-IP; oversize
# bodies stop at nginx (413). Then the real agent: CA file, unknown CA refused, an HTTP proxy,
# mutual TLS, and https through a CONNECT tunnel of tinyproxy.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
source "$(dirname "$0")/nginx_conf.sh"
command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]] || fail "nginx is not installed (scripts/packages/test.txt)"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
start_collector --http.trusted-proxy 127.0.0.1
collector_port="${URL##*:}"

tls="$WORK/tls"
make_test_tls "$tls"

# A client certificate for mutual TLS, from the same CA.
openssl req -newkey rsa:2048 -nodes -subj "/CN=agent" -keyout "$tls/agent.key" -out "$tls/agent.csr" 2>/dev/null
openssl x509 -req -in "$tls/agent.csr" -CA "$tls/ca.crt" -CAkey "$tls/ca.key" -CAcreateserial \
  -days 2 -out "$tls/agent.crt" 2>/dev/null

# The shipped server block, with this test's port, certificate and upstream substituted.
tls_port=$(free_port)
proxy_port=$(free_port)
mtls_port=$(free_port)
mkdir -p "$WORK/nginx/logs"
sed -e "s|listen 443 ssl;|listen 127.0.0.1:$tls_port ssl;|" \
    -e "s|/etc/sahab-collector/tls/|$tls/|g" \
    -e "s|server 127.0.0.1:9410;|server 127.0.0.1:$collector_port;|" \
    -e "s|client_max_body_size 8m;|client_max_body_size 64k;|" \
    "$SAHAB_SOURCE_DIR/configs/nginx/sahab-collector.conf" >"$WORK/nginx/sahab-collector.conf"
grep -q "listen 127.0.0.1:$tls_port ssl" "$WORK/nginx/sahab-collector.conf" || fail "config substitution"
write_nginx_conf "$WORK/nginx" 256 <<CONF
  include $WORK/nginx/sahab-collector.conf;
  # A plain forward HTTP proxy, as a commune's outbound proxy, for the agent's --collector.proxy.
  server {
    listen 127.0.0.1:$proxy_port;
    access_log $WORK/nginx/logs/proxy.log;
    client_body_buffer_size 1m;  # in memory: the worker user cannot write the temp dir
    location / { proxy_pass http://\$http_host\$request_uri; }
  }
  # Mutual TLS: only clients with a certificate from the test CA, for --collector.client-cert.
  server {
    listen 127.0.0.1:$mtls_port ssl;
    ssl_certificate $tls/collector.crt;
    ssl_certificate_key $tls/collector.key;
    ssl_client_certificate $tls/ca.crt;
    ssl_verify_client on;
    access_log $WORK/nginx/logs/mtls.log;
    client_body_buffer_size 1m;
    location / { proxy_pass http://127.0.0.1:$collector_port; }
  }
CONF
"$NGINX" -t -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" >"$WORK/nginx-t.log" 2>&1 || fail "nginx -t: $(cat "$WORK/nginx-t.log")"
start nginx "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
TLS_URL="https://localhost:$tls_port"
deadline=$((SECONDS + 15))
until curl -fsS --cacert "$tls/ca.crt" -o /dev/null "$TLS_URL/healthz" 2>/dev/null; do
  (( SECONDS < deadline )) || fail "nginx did not answer over TLS"; sleep 0.2
done
pass "nginx terminates TLS with the shipped config"

curl -s -o /dev/null "$TLS_URL/healthz" && fail "an unknown CA was accepted"
token="$(cat "$ENROL_TOKEN_FILE")"
cred="$(curl -fsS --cacert "$tls/ca.crt" -H "Authorization: Bearer $token" -d '{"host_id": "tls-1", "hostname": "srv-tls"}' \
  "$TLS_URL/api/v1/enrol" | json 'd["credential"]')"
python3 "$PUSH" doc tls-1 1 | gzip -c >"$WORK/batch.gz"
reply="$(curl -fsS --cacert "$tls/ca.crt" -H "Authorization: Bearer $cred" -H 'Content-Encoding: gzip' \
  --data-binary @"$WORK/batch.gz" "$TLS_URL/api/v1/ingest")"
[[ "$reply" == *'"acknowledged":1'* ]] || fail "ingest through nginx: $reply"
curl -fsS --cacert "$tls/ca.crt" -H "$API_AUTH" "$TLS_URL/api/v1/hosts/tls-1" | json 'd["hostname"], d["address"]' \
  | grep -qx "('srv-tls', '127.0.0.1')" || fail "host through nginx"
pass "enrol and ingest through nginx with curl --cacert"

head -c 100000 /dev/zero >"$WORK/big"
got="$(curl -s -o /dev/null -w '%{http_code}' --cacert "$tls/ca.crt" -H "Authorization: Bearer $cred" --data-binary @"$WORK/big" "$TLS_URL/api/v1/ingest")"
[[ "$got" == 413 ]] || fail "oversize body through nginx: $got"
pass "client_max_body_size stops oversize bodies at nginx"
# The real agent through nginx: verified against the test CA it enrols and reports; without the
# CA (system trust store) it refuses the certificate and keeps its batches spooled.
agent_port=$(free_port)
start agent_tls "$BIN_DIR/sahab-agent" --web.listen-address "127.0.0.1:$agent_port" \
  --collector.url "$TLS_URL" --collector.ca-file "$tls/ca.crt" --enrolment-token-file "$ENROL_TOKEN_FILE" \
  --state.dir "$WORK/agent-tls" --spool.dir "$WORK/agent-tls/spool" --sample.interval 200ms --report.interval 500ms
wait_http "http://127.0.0.1:$agent_port/healthz"
agent_host="$(curl -fsS "http://127.0.0.1:$agent_port/inventory" | json 'd["sections"]["identity"]["data"]["host_id"]')"
deadline=$((SECONDS + 30))
until curl -fsS -o /dev/null --cacert "$tls/ca.crt" -H "$API_AUTH" "$TLS_URL/api/v1/hosts/$agent_host" 2>/dev/null; do
  (( SECONDS < deadline )) || fail "the agent's report did not arrive through nginx"; sleep 0.2
done
untrusting_port=$(free_port)
start agent_untrusting "$BIN_DIR/sahab-agent" --web.listen-address "127.0.0.1:$untrusting_port" \
  --collector.url "$TLS_URL" --enrolment-token-file "$ENROL_TOKEN_FILE" \
  --state.dir "$WORK/agent-untrusting" --spool.dir "$WORK/agent-untrusting/spool" --sample.interval 200ms --report.interval 500ms
wait_http "http://127.0.0.1:$untrusting_port/healthz"
deadline=$((SECONDS + 30))
until grep -q "certificate" "$WORK/agent_untrusting.log"; do
  (( SECONDS < deadline )) || fail "the agent without the CA did not report a certificate problem"; sleep 0.2
done
[[ ! -e "$WORK/agent-untrusting/credential" ]] || fail "an agent enrolled through an unverified certificate"
pass "the agent enrols and reports through nginx with --collector.ca-file, and refuses an unknown CA"
# Each further agent that reaches the collector is another host: its own rootfs with its own
# /etc/machine-id (the collector refuses a second enrolment under a live host's id, issue #14).
own_root() {  # own_root NAME: prints a rootfs directory with a fresh machine id
  mkdir -p "$WORK/$1-root/etc"
  head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/$1-root/etc/machine-id"
  cp /etc/os-release "$WORK/$1-root/etc/os-release"
  echo "$WORK/$1-root"
}
# Through an outbound HTTP proxy: the agent's requests must show in the proxy's log.
proxied_port=$(free_port)
start agent_proxied "$BIN_DIR/sahab-agent" --web.listen-address "127.0.0.1:$proxied_port" \
  --collector.url "http://127.0.0.1:$collector_port" --collector.proxy "http://127.0.0.1:$proxy_port" \
  --path.rootfs "$(own_root proxied)" --enrolment-token-file "$ENROL_TOKEN_FILE" --state.dir "$WORK/agent-proxied" \
  --spool.dir "$WORK/agent-proxied/spool" --sample.interval 200ms --report.interval 500ms
wait_http "http://127.0.0.1:$proxied_port/healthz"
deadline=$((SECONDS + 30))
until grep -q "POST http://127.0.0.1:$collector_port/api/v1/ingest" "$WORK/nginx/logs/proxy.log" 2>/dev/null &&
      grep -q "POST http://127.0.0.1:$collector_port/api/v1/enrol" "$WORK/nginx/logs/proxy.log"; do
  (( SECONDS < deadline )) || fail "the agent's enrolment and ingest did not go through the proxy"; sleep 0.2
done
grep -q '"POST http://127.0.0.1:'"$collector_port"'/api/v1/ingest HTTP/1.1" 200' "$WORK/nginx/logs/proxy.log" ||
  fail "ingest through the proxy was not acknowledged: $(tail -3 "$WORK/nginx/logs/proxy.log")"
pass "the agent enrols and reports through an HTTP proxy (--collector.proxy)"

# Mutual TLS: with --collector.client-cert the agent enrols and reports; without, nginx refuses it.
for variant in with without; do
  extra=(--path.rootfs "$(own_root "mtls-$variant")")
  [[ $variant == with ]] && extra+=(--collector.client-cert "$tls/agent.crt" --collector.client-key "$tls/agent.key")
  port=$(free_port)
  start "agent_mtls_$variant" "$BIN_DIR/sahab-agent" --web.listen-address "127.0.0.1:$port" \
    --collector.url "https://localhost:$mtls_port" --collector.ca-file "$tls/ca.crt" "${extra[@]}" \
    --enrolment-token-file "$ENROL_TOKEN_FILE" --state.dir "$WORK/agent-mtls-$variant" \
    --spool.dir "$WORK/agent-mtls-$variant/spool" --sample.interval 200ms --report.interval 500ms
  wait_http "http://127.0.0.1:$port/healthz"
done
deadline=$((SECONDS + 30))
until grep -q '"POST /api/v1/ingest HTTP/1.1" 200' "$WORK/nginx/logs/mtls.log" 2>/dev/null; do
  (( SECONDS < deadline )) || fail "no ingest acknowledged over mutual TLS"; sleep 0.2
done
[[ -s "$WORK/agent-mtls-with/credential" ]] || fail "the agent with a client certificate did not enrol"
until grep -q "enrolment refused or failed" "$WORK/agent_mtls_without.log"; do
  (( SECONDS < deadline )) || fail "the agent without a client certificate never tried to enrol"; sleep 0.2
done
grep -q "enrolment refused or failed: HTTP 400" "$WORK/agent_mtls_without.log" ||
  fail "nginx did not refuse the agent without a client certificate: $(grep enrolment "$WORK/agent_mtls_without.log" | head -1)"
[[ ! -e "$WORK/agent-mtls-without/credential" ]] || fail "an agent without a client certificate enrolled"
pass "mutual TLS: the agent's client certificate is presented, and required"

# Through a real forward proxy (Debian's tinyproxy) named by https_proxy in the environment: the
# agent opens a CONNECT tunnel to nginx and verifies TLS end to end inside it.
command -v tinyproxy >/dev/null || fail "tinyproxy is not installed (scripts/packages/test.txt)"
tinyproxy_port=$(free_port)
cat >"$WORK/tinyproxy.conf" <<CONF
User nobody
Group nogroup
Port $tinyproxy_port
Listen 127.0.0.1
Timeout 30
MaxClients 8
Allow 127.0.0.1
LogLevel Connect
CONF
start tinyproxy tinyproxy -d -c "$WORK/tinyproxy.conf"
deadline=$((SECONDS + 10))
until curl -fsS -o /dev/null --proxy "http://127.0.0.1:$tinyproxy_port" --cacert "$tls/ca.crt" "$TLS_URL/healthz" 2>/dev/null; do
  (( SECONDS < deadline )) || fail "tinyproxy did not start"; sleep 0.1
done
port=$(free_port)
start agent_tunnelled env -u no_proxy -u NO_PROXY https_proxy="http://127.0.0.1:$tinyproxy_port" \
  "$BIN_DIR/sahab-agent" --web.listen-address "127.0.0.1:$port" --collector.url "$TLS_URL" \
  --collector.ca-file "$tls/ca.crt" --path.rootfs "$(own_root tunnelled)" --enrolment-token-file "$ENROL_TOKEN_FILE" \
  --state.dir "$WORK/agent-tunnelled" --spool.dir "$WORK/agent-tunnelled/spool" --sample.interval 200ms --report.interval 500ms
wait_http "http://127.0.0.1:$port/healthz"
tunnelled_host="$(curl -fsS "http://127.0.0.1:$port/inventory" | json 'd["sections"]["identity"]["data"]["host_id"]')"
deadline=$((SECONDS + 30))
until curl -fsS -o /dev/null --cacert "$tls/ca.crt" -H "$API_AUTH" "$TLS_URL/api/v1/hosts/$tunnelled_host" 2>/dev/null; do
  (( SECONDS < deadline )) || fail "the agent's report did not arrive through tinyproxy: $(tail -3 "$WORK/agent_tunnelled.log")"; sleep 0.2
done
grep -q "CONNECT localhost:$tls_port" "$WORK/tinyproxy.log" || fail "the agent did not tunnel through tinyproxy: $(tail -3 "$WORK/tinyproxy.log")"
pass "https through a CONNECT tunnel of a real proxy (tinyproxy, https_proxy from the environment)"
echo "7 passed, 0 failed"
