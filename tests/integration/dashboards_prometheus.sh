#!/usr/bin/env bash
# The shipped Prometheus configuration and Grafana dashboards against real processes: a collector
# with an imported generated fleet (so it has a plan), two real agents pushing to it on loopback,
# and a real Prometheus running dashboards/prometheus/prometheus.yml (only addresses, the token
# path and intervals substituted) with the shipped rules. Once data is in, every PromQL expression
# of every dashboard (targets and template-variable queries, variables set to real values, then to
# "All") is evaluated through Prometheus' HTTP API: each must parse and, unless listed in
# MAY_BE_EMPTY below with the reason, return data.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
command -v prometheus >/dev/null || fail "prometheus is not installed (scripts/packages/test.txt)"
D="$SAHAB_SOURCE_DIR/dashboards"
DEADLINE_SECONDS="${DEADLINE_SECONDS:-120}"

start_collector --maintenance.interval 1s --planner.config "$SAHAB_SOURCE_DIR/configs/planner.yaml" \
  --planner.metrics-interval 1s
"$BIN_DIR/sahab-planner" generate-fleet --hosts 60 --seed 7 --out "$WORK/fleet.json" >/dev/null
imported=$(curl -fsS -H "$API_AUTH" -H 'Content-Type: application/json' --data-binary @"$WORK/fleet.json" \
  "$URL/api/v1/import" | json 'd["imported"]')
[[ "$imported" == 60 ]] || fail "fleet import stored $imported hosts, expected 60"
pass "a generated fleet of 60 hosts is imported"
# A baseline of that plan with its first wave scheduled, for the Migration progress dashboard.
curl -fsS -H "$API_AUTH" -H 'Content-Type: application/json' -d '{"name": "dashboards"}' "$URL/api/v1/baselines" >"$WORK/baseline.json"
moving=$(json 'd["moving_hosts"]' <"$WORK/baseline.json")
# Tracked: the moving hosts and those the plan retires in place (docs/execution.md#lifecycle).
tracked=$(api "/api/v1/baselines/$(json 'd["id"]' <"$WORK/baseline.json")" |
  json 'sum(1 for h in d["host_list"] if h["wave"] > 0 or h["strategy"] == "retire")')
curl -fsS -H "$API_AUTH" -H 'Content-Type: application/json' -d '{"state": "scheduled", "date": "2027-02-01", "version": 0}' \
  "$URL/api/v1/waves/1/status" >"$WORK/scheduled.json"
scheduled=$(json 'd["changed"]' <"$WORK/scheduled.json")
(( moving > 0 && scheduled > 0 )) || fail "baseline: $(cat "$WORK/baseline.json" "$WORK/scheduled.json")"
pass "a baseline of $moving moving hosts is approved and wave 1 ($scheduled hosts) scheduled"

# Two agents on the real /proc and /sys; the second gets its own root (and so its own host id).
mkdir -p "$WORK/root2/etc"
echo "0123456789abcdef0123456789abcdef" >"$WORK/root2/etc/machine-id"
start_agent() {  # start_agent N ROOTFS REGION PROVINCE COMMUNE
  local port
  port=$(free_port)
  start "agent$1" "$BIN_DIR/sahab-agent" --web.listen-address "127.0.0.1:$port" --path.rootfs "$2" \
    --collector.url "$URL" --enrolment-token-file "$ENROL_TOKEN_FILE" \
    --state.dir "$WORK/agent$1" --spool.dir "$WORK/agent$1/spool" \
    --sample.interval 200ms --report.interval 1s \
    --label "region=$3" --label "province=$4" --label "commune=$5" --label environment=prod
  wait_http "http://127.0.0.1:$port/healthz" 30
}
start_agent 1 / Souss-Massa Agadir-Ida-Ou-Tanane Agadir
start_agent 2 "$WORK/root2" Casablanca-Settat Settat Berrechid
deadline=$((SECONDS + 30))
until [[ "$(api /api/v1/targets | json 'len(d)')" == 2 ]]; do
  (( SECONDS < deadline )) || fail "the agents did not appear in /api/v1/targets"
  sleep 0.2
done
pass "both agents pushed and are listed by the http_sd endpoint"

# The shipped scrape config, pointed at this collector: every placeholder must be replaced.
mkdir -p "$WORK/prometheus"
ln -s "$D/prometheus/rules" "$WORK/prometheus/rules"
{
  echo "global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}"
  sed -e "s#https://sahab.example.gov.ma#$URL#" \
      -e "s#\"sahab.example.gov.ma:443\"#\"${URL#http://}\"#" \
      -e "s#scheme: https#scheme: http#" \
      -e "s#/etc/prometheus/sahab-api-token#$API_TOKEN_FILE#" \
      -e "s#refresh_interval: 1m#refresh_interval: 1s#" "$D/prometheus/prometheus.yml"
} >"$WORK/prometheus/prometheus.yml"
! sed -e 's/^[[:space:]]*#.*//' -e 's/[[:space:]]#.*//' "$WORK/prometheus/prometheus.yml" |
  grep -nE 'example\.gov\.ma|/etc/prometheus|https|1m' ||
  fail "the shipped prometheus.yml changed: a placeholder was not substituted"
promtool check config "$WORK/prometheus/prometheus.yml" >"$WORK/check-config.log" 2>&1 ||
  { cat "$WORK/check-config.log"; fail "promtool check config"; }
prom_port=$(free_port)
PROM="http://127.0.0.1:$prom_port"
start prometheus prometheus --config.file "$WORK/prometheus/prometheus.yml" \
  --storage.tsdb.path "$WORK/tsdb" --web.listen-address "127.0.0.1:$prom_port"
wait_http "$PROM/-/ready" 60

# Scraped: the collector and both agents up, with the discovery labels (and without sahab_state).
deadline=$((SECONDS + 60))
until curl -fsS "$PROM/api/v1/targets?state=active" | python3 -c '
import json, sys
t = json.load(sys.stdin)["data"]["activeTargets"]
agents = [x["labels"] for x in t if x["labels"]["job"] == "sahab-agents" and x["health"] == "up"]
collector = [x for x in t if x["labels"]["job"] == "sahab-collector" and x["health"] == "up"]
ok = len(agents) == 2 and len(collector) == 1 and all(
    a.get("province") and a.get("commune") and a.get("host_id") and "sahab_state" not in a for a in agents)
sys.exit(0 if ok else 1)'; do
  (( SECONDS < deadline )) || { curl -fsS "$PROM/api/v1/targets" >&2; fail "Prometheus did not scrape the collector and both agents"; }
  sleep 0.5
done
pass "Prometheus scrapes the collector and both discovered agents, labelled by region, province and commune"

root_fstype="$(awk '$2 == "/" { t = $3 } END { print t }' /proc/self/mounts)"
python3 "$(dirname "$0")/dashboard_queries.py" "$PROM" "$D/grafana" "$DEADLINE_SECONDS" "$root_fstype" \
  --skip-uid sahab-windows-host || fail "dashboard expressions (see above)"
pass "every dashboard expression parses and answers, variables set to real values and to All"

# The answers are right, not just present: counts agree with what the test set up.
prom_until() {  # prom_until EXPR: waits until the PromQL EXPR returns something
  local deadline=$((SECONDS + 30))
  until curl -fsS "$PROM/api/v1/query" --data-urlencode "query=$1" |
        python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["data"]["result"] else 1)'; do
    (( SECONDS < deadline )) || fail "Prometheus never answered: $1"
    sleep 0.5
  done
}
prom_until 'sum(sahab_plan_hosts) == 62'                       # 60 imported + 2 agents
prom_until 'sum(sahab_collector_hosts_by_location) == 62'
prom_until 'count(sahab_collector_agent_last_push_timestamp_seconds) == 2'
prom_until 'sahab_collector_hosts_by_location{state="active",region="Souss-Massa",province="Agadir-Ida-Ou-Tanane"} == 1'
prom_until 'sum(sahab_plan_wave_hosts) == sum(sahab_plan_hosts{strategy=~"rehost|replatform"})'
prom_until 'count(sahab_agent_info{region="Casablanca-Settat",commune="Berrechid"}) == 1'
prom_until "sum(sahab_migration_hosts) == $tracked"
prom_until "sum(sahab_migration_hosts{state=\"scheduled\"}) == $scheduled"
prom_until 'sum(sahab_migration_cost_mad{kind="planned"}) > 0 and sum(sahab_migration_cost_mad{kind="committed"}) == 0'
pass "plan, location, last-push and migration gauges count the hosts, agents and states the test set up"

# The shipped rules are loaded and evaluate without error against the real series.
curl -fsS "$PROM/api/v1/rules" | python3 -c '
import json, sys
groups = json.load(sys.stdin)["data"]["groups"]
rules = [r for g in groups for r in g["rules"]]
bad = [(r["name"], r.get("lastError")) for r in rules if r.get("health") == "err"]
alerts = {r["name"] for r in rules if r["type"] == "alerting"}
want = {"SahabAgentDown", "SahabAgentNotPushing", "SahabAgentSpoolGrowing", "SahabAgentDroppingData",
        "SahabHostDiskWillFillIn24Hours", "SahabHostMemoryPressure", "SahabCollectorDown",
        "SahabCollectorIngestErrors", "SahabCollectorStoreFailing", "SahabCollectorDatabaseFillsDisk",
        "SahabCollectorWalNotCheckpointed"}
print(len(rules), "rules,", len(alerts), "alerts; failing:", bad, "missing:", sorted(want - alerts))
sys.exit(1 if bad or want - alerts else 0)' ||
  fail "rules not loaded or failing"
pass "every shipped rule is loaded and evaluates without error"
echo "8 passed, 0 failed"
