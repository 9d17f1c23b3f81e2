#!/usr/bin/env bash
# The collector's http_sd endpoint in front of a real Prometheus: promtool check
# service-discovery lists the agent with its labels, and Prometheus finds and scrapes it.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
command -v prometheus >/dev/null || fail "prometheus is not installed (scripts/packages/test.txt)"
start_collector
FIX="$SAHAB_FIXTURES_DIR/agent/default"
agent_port=$(free_port)
start agent "$BIN_DIR/sahab-agent" --path.procfs "$FIX/proc" --path.sysfs "$FIX/sys" --path.rootfs "$FIX/root" \
  --web.listen-address "127.0.0.1:$agent_port"
wait_http "http://127.0.0.1:$agent_port/healthz"

cred=$(python3 "$PUSH" enrol "$URL" "$ENROL_TOKEN_FILE" host-p srv-p)
cat >"$WORK/inv.json" <<JSON
{"format": "sahab-inventory/1", "full": true, "sections": {"identity": {"hash": "i", "data": {
  "hostname": "srv-p", "listen_address": "127.0.0.1:$agent_port", "labels": {"region": "Souss-Massa", "commune": "Agadir"}}}}}
JSON
python3 "$PUSH" doc host-p 1 --inventory "$WORK/inv.json" >"$WORK/batch.json"
[[ "$(ingest "$cred" "$WORK/batch.json")" == 200 ]] || fail "ingest"

cat >"$WORK/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: sahab-agents
    http_sd_configs:
      - url: $URL/api/v1/targets
        refresh_interval: 1s
        authorization: {type: Bearer, credentials_file: $API_TOKEN_FILE}  # promtool 2.42 omits "Bearer" without type
YAML
promtool check config "$WORK/prometheus.yml" >/dev/null || fail "promtool check config"
sd="$(promtool check service-discovery "$WORK/prometheus.yml" sahab-agents 2>&1)" || fail "promtool check service-discovery: $sd"
grep -q "127.0.0.1:$agent_port" <<<"$sd" && grep -q 'commune.*Agadir' <<<"$sd" || fail "service discovery result: $sd"
pass "promtool check service-discovery finds the agent with its labels"

prom_port=$(free_port)
start prometheus prometheus --config.file "$WORK/prometheus.yml" --storage.tsdb.path "$WORK/tsdb" \
  --web.listen-address "127.0.0.1:$prom_port"
deadline=$((SECONDS + 40))
until curl -fsS "http://127.0.0.1:$prom_port/api/v1/query?query=up%7Bjob%3D%22sahab-agents%22%7D" 2>/dev/null \
      | python3 -c 'import json,sys; r=json.load(sys.stdin)["data"]["result"]; sys.exit(0 if r and r[0]["value"][1]=="1" and r[0]["metric"]["host_id"]=="host-p" and r[0]["metric"]["region"]=="Souss-Massa" else 1)'; do
  (( SECONDS < deadline )) || fail "Prometheus did not discover and scrape the agent"
  sleep 1
done
pass "a real Prometheus discovers the agent through /api/v1/targets and scrapes it (up=1)"
echo "2 passed, 0 failed"
