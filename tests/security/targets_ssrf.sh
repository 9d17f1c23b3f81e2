#!/usr/bin/env bash
# Issue #14, item 5: an agent must not steer Prometheus through /api/v1/targets (http_sd). It
# reports listen_address 169.254.169.254:80 (the cloud metadata service) and labels that would
# rewrite Prometheus' scrape (__metrics_path__, __scheme__, job, instance) or spoof the
# collector's own (host_id); the targets must carry the address its pushes came from and only
# its valid, unreserved labels. With --targets.allowed-cidrs covering the reported host, that
# host is believed.
source "$(dirname "$0")/../integration/lib.sh"
source "$(dirname "$0")/../integration/collector_lib.sh"

cat >"$WORK/inv.json" <<'JSON'
{"format": "sahab-inventory/1", "full": true, "sections": {"identity": {"hash": "i1", "data": {
  "host_id": "host-ssrf", "hostname": "srv-ssrf", "listen_address": "169.254.169.254:80",
  "labels": {"__metrics_path__": "/latest/meta-data/iam/security-credentials/",
             "__scheme__": "https", "__address__": "10.9.9.9:22", "__param_target": "x",
             "job": "node", "instance": "evil:1", "host_id": "someone-else", "sahab_state": "x",
             "a.b": "bad-name", "rack": "r1"}}}}}
JSON

# push_identity: enrols host-ssrf and pushes the identity above; the collector must be running.
push_identity() {
  CRED=$(python3 "$PUSH" enrol "$URL" "$ENROL_TOKEN_FILE" host-ssrf srv-ssrf)
  python3 "$PUSH" doc host-ssrf 1 --inventory "$WORK/inv.json" >"$WORK/batch.json"
  [[ "$(ingest "$CRED" "$WORK/batch.json")" == 200 ]] || fail "ingest: $(cat "$WORK/reply.json")"
}

# An agent's label name outside [A-Za-z0-9_.] ('a-b') is refused at ingest already (400); 'a.b'
# passes ingest (the agent's site.uplink_mbps) but is no Prometheus label name.
sed 's/"a.b"/"a-b"/' "$WORK/inv.json" >"$WORK/inv-dash.json"

# check_labels FILE: the only labels are the collector's three and the agent's valid one.
check_labels() {
  local labels
  labels="$(json 'sorted(d[0]["labels"].items())' <"$1")"
  [[ "$labels" == "[('host_id', 'host-ssrf'), ('hostname', 'srv-ssrf'), ('rack', 'r1'), ('sahab_state', 'active')]" ]] ||
    fail "labels of the target: $labels"
}

start_collector
push_identity
python3 "$PUSH" doc host-ssrf 99 --inventory "$WORK/inv-dash.json" >"$WORK/batch-dash.json"
[[ "$(ingest "$CRED" "$WORK/batch-dash.json")" == 400 ]] || fail "label a-b accepted at ingest: $(cat "$WORK/reply.json")"
api /api/v1/targets >"$WORK/targets.json"
[[ "$(json 'len(d)' <"$WORK/targets.json")" == 1 ]] || fail "targets: $(cat "$WORK/targets.json")"
# The push came from 127.0.0.1; the reported port 80 is a valid port, so it is kept: the agent
# chooses the port of its own host, never which host.
[[ "$(json 'd[0]["targets"]' <"$WORK/targets.json")" == "['127.0.0.1:80']" ]] ||
  fail "the reported listen host steered Prometheus: $(cat "$WORK/targets.json")"
ok "without allowed CIDRs the target is the push source (127.0.0.1:80), not 169.254.169.254"
check_labels "$WORK/targets.json"
ok "reserved (__*, job, instance, host_id, sahab_state) and invalid (a.b; a-b refused at ingest) labels dropped, rack=r1 kept"

kill "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null || true

# With the link-local network allowed, the reported host is used.
start_collector --targets.allowed-cidrs 10.0.0.0/8 --targets.allowed-cidrs 169.254.0.0/16
api /api/v1/targets >"$WORK/targets-allowed.json"
[[ "$(json 'd[0]["targets"]' <"$WORK/targets-allowed.json")" == "['169.254.169.254:80']" ]] ||
  fail "allowed CIDR not honoured: $(cat "$WORK/targets-allowed.json")"
check_labels "$WORK/targets-allowed.json"
ok "with --targets.allowed-cidrs 169.254.0.0/16 the reported host is used (169.254.169.254:80)"
kill "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null || true

# The same in the YAML file; a bad CIDR stops the collector with exit code 2.
printf 'targets:\n  allowed_cidrs: ["fd00::/8", "169.254.169.0/24"]\n' >"$WORK/collector.yaml"
start_collector --config "$WORK/collector.yaml"
[[ "$(api /api/v1/targets | json 'd[0]["targets"]')" == "['169.254.169.254:80']" ]] || fail "targets.allowed_cidrs in YAML"
# A port that is not plain decimal 1..65535 falls back to 9100.
seq=1
for port in '80/x' '0' '65536' '+80'; do
  sed -e "s|169.254.169.254:80|169.254.169.254:$port|" -e "s/\"i1\"/\"i-$seq\"/" "$WORK/inv.json" >"$WORK/inv2.json"
  seq=$((seq + 1))
  python3 "$PUSH" doc host-ssrf "$seq" --inventory "$WORK/inv2.json" >"$WORK/batch2.json"
  [[ "$(ingest "$CRED" "$WORK/batch2.json")" == 200 ]] || fail "ingest: $(cat "$WORK/reply.json")"
  [[ "$(api /api/v1/targets | json 'd[0]["targets"]')" == "['169.254.169.254:9100']" ]] ||
    fail "port '$port' reached Prometheus: $(api /api/v1/targets)"
done
kill "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null || true
set +e
"$COLLECTOR" --listen 127.0.0.1:0 --db "$WORK/x.db" --targets.allowed-cidrs 169.254.0.0/33 >"$WORK/bad.out" 2>&1
status=$?
set -e
[[ $status -eq 2 ]] && grep -q "expected a CIDR" "$WORK/bad.out" || fail "bad CIDR accepted (exit $status): $(cat "$WORK/bad.out")"
ok "targets.allowed_cidrs from YAML; bad ports become 9100; a malformed CIDR is refused at start (exit 2)"
echo "$passed passed, 0 failed"
