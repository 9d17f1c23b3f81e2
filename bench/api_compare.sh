#!/usr/bin/env bash
# Byte-for-byte comparison of the collector's read API between two builds, for refactors that
# must not change behaviour (issue 15): one database (a generated fleet of HOSTS imported as
# sahab-fleet/1 and as CSV, plus agent hosts with inventory and 2 days of utilisation) is served
# by OLD and NEW side by side, and every read endpoint's answer is compared (the fleet's
# generated_at, which is "now", aside).
#
#   bench/api_compare.sh OLD_BIN_DIR NEW_BIN_DIR [HOSTS]     e.g. bench/api_compare.sh /tmp/old build/bin 2000
set -euo pipefail
OLD="$(cd "$1" && pwd)" NEW="$(cd "$2" && pwd)" HOSTS="${3:-2000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PUSH="$ROOT/tests/integration/sahab_push.py"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sahab-api-compare.XXXXXX")"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT
echo "enrolment-token-0123456789abcdef" >"$WORK/enrol"
echo "admin-token-0123456789abcdef" >"$WORK/admin"
AUTH="Authorization: Bearer $(cat "$WORK/admin")"
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# serve BIN DB: starts a collector; sets SERVED (its URL).
serve() {
  local port; port=$(free_port)
  "$1/sahab-collector" --listen "127.0.0.1:$port" --db "$2" --enrolment-token-file "$WORK/enrol" \
    --api-token-file "$WORK/admin" --planner.config "$ROOT/configs/planner.yaml" \
    >>"$WORK/collector.log" 2>&1 &
  PIDS+=($!)
  until curl -fsS -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null; do sleep 0.1; done
  SERVED="http://127.0.0.1:$port"
}

"$NEW/sahab-planner" generate-fleet --hosts "$HOSTS" --seed 3 --edges-per-host 4 --out "$WORK/fleet.json"
serve "$OLD" "$WORK/setup.db"; url=$SERVED
curl -fsS -H "$AUTH" -H 'Content-Type: application/json' --data-binary "@$WORK/fleet.json" \
  "$url/api/v1/import" >/dev/null
printf 'id,hostname,region,cpu_cores,memory_bytes,disk_bytes,disk_used_bytes,cpu_p95\ncsv-1,edge,Souss-Massa,2,4294967296,1000,500,0.3\n' >"$WORK/hosts.csv"
curl -fsS -H "$AUTH" -H 'Content-Type: text/csv' --data-binary "@$WORK/hosts.csv" \
  "$url/api/v1/import" >/dev/null
# A real inventory: this machine's, as the agent (NEW) reports it.
"$NEW/sahab-agent" --once --state.dir "$WORK/state" --label region=Oriental \
  --label site.uplink_mbps=20 >"$WORK/once.json" 2>/dev/null
python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); json.dump(d.get("inventory", d), open(sys.argv[2], "w"))' \
  "$WORK/once.json" "$WORK/inventory.json"
now=$(date +%s)
for n in 1 2 3; do
  cred=$(python3 "$PUSH" enrol "$url" "$WORK/enrol" "agent-$n" "agent-$n.example")
  for seq in $(seq 1 48); do
    python3 "$PUSH" doc "agent-$n" "$seq" --start $((now - 172800 + seq * 3600)) \
      --values "0.$n,0.$((n + 2)),0.5" $([[ $seq == 1 ]] && echo --inventory "$WORK/inventory.json") >"$WORK/doc.json"
    curl -fsS -o /dev/null -H "Authorization: Bearer $cred" -H 'Content-Type: application/json' \
      --data-binary "@$WORK/doc.json" "$url/api/v1/ingest"
  done
done
kill "${PIDS[0]}"; wait "${PIDS[0]}" 2>/dev/null || true; PIDS=()
cp "$WORK/setup.db" "$WORK/old.db"; cp "$WORK/setup.db" "$WORK/new.db"
serve "$OLD" "$WORK/old.db"; old=$SERVED
serve "$NEW" "$WORK/new.db"; new=$SERVED

paths=(/api/v1/fleet "/api/v1/fleet?window=7d" "/api/v1/fleet?format=csv" /api/v1/fleet/summary
       /api/v1/fleet/hosts /api/v1/hosts /api/v1/hosts/agent-1 /api/v1/hosts/agent-1/utilisation
       /api/v1/dependencies /api/v1/targets /api/v1/agents /api/v1/plan /api/v1/plan/summary
       /api/v1/plan/groups /api/v1/plan/parameters "/api/v1/plan?format=csv"
       "/api/v1/plan?format=html" /api/v1/plan/hosts/agent-2)
same=0 differ=0
for p in "${paths[@]}"; do
  curl -fsS -H "$AUTH" "$old$p" | sed -E 's/"generated_at": ?"[^"]*"//' >"$WORK/old.out"
  curl -fsS -H "$AUTH" "$new$p" | sed -E 's/"generated_at": ?"[^"]*"//' >"$WORK/new.out"
  if cmp -s "$WORK/old.out" "$WORK/new.out"; then
    same=$((same + 1)); printf 'same     %8d bytes  %s\n' "$(wc -c <"$WORK/new.out")" "$p"
  else
    differ=$((differ + 1)); printf 'DIFFERS  %8d bytes  %s\n' "$(wc -c <"$WORK/new.out")" "$p"
    diff <(tr ',' '\n' <"$WORK/old.out") <(tr ',' '\n' <"$WORK/new.out") | head -6 || true
  fi
done
echo "$same same, $differ differ"
[[ $differ == 0 ]]
