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
python3 - "$PROM" "$D/grafana" "$DEADLINE_SECONDS" "$root_fstype" <<'PY' || fail "dashboard expressions (see above)"
import glob, json, os, pathlib, re, sys, time, urllib.parse, urllib.request

prom, directory, deadline, root_fstype = sys.argv[1], pathlib.Path(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
deadline += time.monotonic()
# Grafana's own variables, as it would set them with a 1s scrape interval.
GRAFANA = {"$__rate_interval": "15s", "$__interval": "5s", "$__range": "1m"}
# (dashboard uid, panel title) -> why it may return nothing on a healthy test machine.
MAY_BE_EMPTY = {
    ("sahab-fleet", "Disks filling up (full within 24 h)"): "no filesystem is about to fill on a healthy machine",
}
# Subsystems a machine may lack (virtual machines, containers): their panels may stay empty then.
if not (glob.glob("/sys/class/hwmon/*/temp*_input") or glob.glob("/sys/class/hwmon/*/device/temp*_input")
        or glob.glob("/sys/class/thermal/thermal_zone*/temp")):
    MAY_BE_EMPTY[("sahab-host", "Hardware temperatures")] = "no temperature sensors on this machine"
if not os.path.exists("/proc/sys/net/netfilter/nf_conntrack_count"):
    MAY_BE_EMPTY[("sahab-host", "Connection tracking")] = "nf_conntrack is not loaded"
if not os.path.exists("/proc/pressure/cpu"):
    MAY_BE_EMPTY[("sahab-host", "Pressure stall (PSI)")] = "the kernel has no pressure stall information"
if root_fstype in ("overlay", "squashfs", "autofs"):  # excluded like node_exporter: no "/" series
    for panel in ("Root filesystem used", "Filesystems"):
        MAY_BE_EMPTY[("sahab-host", panel)] = f"/ is {root_fstype}, which the agent leaves out"


def get(path, **params):
    url = f"{prom}{path}?" + urllib.parse.urlencode(params, doseq=True)
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        return json.load(e)


def substitute(expr, values):
    for name in sorted(values, key=len, reverse=True):
        expr = expr.replace("${" + name + "}", values[name]).replace("$" + name, values[name])
    for key in sorted(GRAFANA, key=len, reverse=True):
        expr = expr.replace(key, GRAFANA[key])
    return expr


def resolve_variables(dashboard, use_all):
    """Each query variable in order: label_values through the series API, first value (or All)."""
    values, problems = {}, []
    for v in dashboard["templating"]["list"]:
        if v["type"] != "query":
            continue
        q = v["query"]["query"] if isinstance(v["query"], dict) else v["query"]
        m = re.fullmatch(r"label_values\((.*),\s*(\w+)\)", q)
        selector, label = substitute(m.group(1), values), m.group(2)
        answer = get(f"/api/v1/label/{label}/values", **{"match[]": selector})
        found = sorted(x for x in answer.get("data") or [] if x)
        if answer.get("status") != "success" or not found:
            problems.append(f"variable {v['name']}: {q} -> {selector}: {answer.get('error') or 'no values'}")
            values[v["name"]] = "no-such-value"
            continue
        values[v["name"]] = v.get("allValue", ".*") if use_all and v.get("includeAll") else found[0]
    return values, problems


def panels(dashboard):
    for p in dashboard["panels"]:
        yield p
        yield from p.get("panels", [])


def evaluate(use_all):
    """[(required, line)] for every target of every dashboard."""
    results = []
    for path in sorted(directory.glob("*.json")):
        d = json.loads(path.read_text())
        values, problems = resolve_variables(d, use_all)
        results += [(True, f"FAIL {d['uid']}: {p}") for p in problems]
        for p in panels(d):
            for t in p.get("targets", []):
                expr = substitute(t["expr"], values)
                answer = get("/api/v1/query", query=expr)
                key = (d["uid"], p["title"])
                where = f"{d['uid']} / {p['title']} / {t['refId']}"
                if answer.get("status") != "success":
                    results.append((True, f"FAIL {where}: {answer.get('error')}: {expr}"))
                elif answer["data"]["result"]:
                    results.append((False, f"ok   {where}: {len(answer['data']['result'])} series"))
                elif key in MAY_BE_EMPTY:
                    results.append((False, f"ok   {where}: empty, allowed: {MAY_BE_EMPTY[key]}"))
                else:
                    results.append((True, f"FAIL {where}: no data: {expr}"))
    return results


while True:
    results = evaluate(use_all=False) + evaluate(use_all=True)
    failed = [line for bad, line in results if bad]
    if not failed or time.monotonic() > deadline:
        break
    time.sleep(1)
for _, line in results:
    print(line)
print(f"{len(results)} evaluations, {len(failed)} failed")
sys.exit(1 if failed else 0)
PY
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
