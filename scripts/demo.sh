#!/usr/bin/env bash
# make demo: a collector on the embedded SQLite store, loaded with a synthetic fleet of Moroccan
# communes' servers, a real agent on this machine reporting to it, and a migration plan.
#   SAHAB_DEMO_HOSTS   size of the synthetic fleet (default 2000)
#   SAHAB_DEMO_PORT    collector port (default 9410)
#   SAHAB_DEMO_AGENT_PORT  the agent's port (default: the collector's + 1)
#   SAHAB_DEMO_EXIT=1  set everything up, check it, and exit instead of waiting for Ctrl-C
set -euo pipefail
BUILD_DIR="$(cd "${1:-build}" && pwd)"
BIN="$BUILD_DIR/bin"
SRC="$(cd "$(dirname "$0")/.." && pwd)"
DEMO="$BUILD_DIR/demo"
HOSTS="${SAHAB_DEMO_HOSTS:-2000}"
PORT="${SAHAB_DEMO_PORT:-9410}"
AGENT_PORT="${SAHAB_DEMO_AGENT_PORT:-$((PORT + 1))}"
URL="http://127.0.0.1:$PORT"

say() { printf '\n== %s\n' "$*"; }
die() { echo "demo: $*" >&2; exit 1; }
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT
# wait_http URL PID: until URL answers, for at most 60 s (a loaded machine starts slowly), or the
# process PID exits (a taken port, say), whichever comes first.
wait_http() {
  local deadline=$((SECONDS + 60))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    kill -0 "$2" 2>/dev/null || die "the process behind $1 exited; see $DEMO/*.log"
    (( SECONDS < deadline )) || die "$1 did not answer in 60 s; see $DEMO/*.log"
    sleep 0.1
  done
}

rm -rf "$DEMO" && mkdir -p "$DEMO"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$DEMO/enrolment-token"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$DEMO/api-token"
chmod 600 "$DEMO"/*-token
API=(-H "Authorization: Bearer $(cat "$DEMO/api-token")")

say "generating a synthetic fleet of $HOSTS servers across Morocco's 12 regions"
"$BIN/sahab-planner" generate-fleet --hosts "$HOSTS" --seed 2026 --out "$DEMO/fleet.json"

# A web UI admin with a fresh random password, shown at the end.
UI_PASSWORD="$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
UI_HASH="$(printf '%s\n' "$UI_PASSWORD" | "$BIN/sahab-collector" hash-password)"

cat >"$DEMO/collector.yaml" <<YAML
# Written by make demo; restart the demo's collector with: sahab-collector --config $DEMO/collector.yaml
listen: "127.0.0.1:$PORT"
db: $DEMO/sahab.db
enrolment_token_file: $DEMO/enrolment-token
api_token_file: $DEMO/api-token
ui:
  users:
    - "admin:admin:$UI_HASH"
planner:
  config: $SRC/configs/planner.yaml   # /api/v1/plan; its catalogs.dir is relative to it
YAML

say "starting sahab-collector on $URL (SQLite store: $DEMO/sahab.db)"
"$BIN/sahab-collector" --config "$DEMO/collector.yaml" >"$DEMO/collector.log" 2>&1 &
pids+=($!)
wait_http "$URL/healthz" $!

say "importing the fleet into the collector"
curl -fsS "${API[@]}" -H 'Content-Type: application/json' --data-binary "@$DEMO/fleet.json" \
  "$URL/api/v1/import" >"$DEMO/import.json"
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("imported", d["imported"], "hosts,", d["connections"], "connections,", len(d["errors"]), "errors")' "$DEMO/import.json"

say "starting a real sahab-agent on this machine, reporting to the collector every 10 s"
"$BIN/sahab-agent" --web.listen-address "127.0.0.1:$AGENT_PORT" --collector.url "$URL" \
  --enrolment-token-file "$DEMO/enrolment-token" --state.dir "$DEMO/agent" \
  --spool.dir "$DEMO/agent/spool" --sample.interval 2s --report.interval 10s \
  --label region=Rabat-Salé-Kénitra --label province=Rabat --label commune=Rabat \
  --label environment=dev --label application=sahab-demo --label site.uplink_mbps=100 \
  >"$DEMO/agent.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$AGENT_PORT/healthz" $!
host_id="$(curl -fsS "http://127.0.0.1:$AGENT_PORT/inventory" | python3 -c 'import json,sys; print(json.load(sys.stdin)["sections"]["identity"]["data"]["host_id"])')"
echo "waiting for the agent's first report (host $host_id)..."
for _ in $(seq 300); do
  curl -fsS -o /dev/null "${API[@]}" "$URL/api/v1/hosts/$host_id" 2>/dev/null && break
  sleep 0.1
done
curl -fsS -o /dev/null "${API[@]}" "$URL/api/v1/hosts/$host_id" || die "the agent's report did not arrive; see $DEMO/agent.log"
echo "the collector holds this machine's inventory and utilisation"

say "planning the migration from the collector's fleet export"
curl -fsS "${API[@]}" "$URL/api/v1/fleet?window=30d" -o "$DEMO/fleet-export.json"
"$BIN/sahab-planner" plan --fleet "$DEMO/fleet-export.json" --config "$SRC/configs/planner.yaml" \
  --out "$DEMO/plan.json" --csv "$DEMO/plan-csv" --html "$DEMO/report.html"
python3 - "$DEMO/plan.json" <<'PY'
import collections, json, sys
plan = json.load(open(sys.argv[1]))
strategies = collections.Counter(h["strategy"] for h in plan["hosts"])
totals = plan["totals"]
print(f"{len(plan['hosts'])} hosts in {len(plan['waves'])} waves; strategies: " +
      ", ".join(f"{k} {v}" for k, v in sorted(strategies.items())))
print(f"cloud {totals['monthly_cost']:,.0f} MAD/month vs on-premises "
      f"{totals['on_premises_monthly_cost']:,.0f} MAD/month; one-time {totals['one_time_cost']:,.0f} MAD")
PY

say "the collector plans the same fleet itself (GET /api/v1/plan/summary, cached)"
curl -fsS "${API[@]}" "$URL/api/v1/plan/summary" -o "$DEMO/plan-summary.json"
python3 - "$DEMO/plan-summary.json" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))["totals"]
print(f"{t['hosts']} hosts, cloud {t['monthly_cost']:,.0f} MAD/month (sahab-plan-summary/1)")
PY

say "ready"
cat <<INFO
  collector API   $URL/api/v1/hosts   (header: Authorization: Bearer \$(cat $DEMO/api-token))
  web UI          $URL/   user: admin   password: $UI_PASSWORD
  agent metrics   http://127.0.0.1:$AGENT_PORT/metrics   inventory: /inventory
  collector       $URL/metrics   Prometheus http_sd: $URL/api/v1/targets
  plan            $DEMO/plan.json, $DEMO/plan-csv/, $DEMO/report.html
  plan API        $URL/api/v1/plan/summary   $URL/api/v1/plan?format=html
INFO
[[ "${SAHAB_DEMO_EXIT:-0}" == 1 ]] && exit 0
echo "press Ctrl-C to stop"
wait
