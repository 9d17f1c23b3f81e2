#!/usr/bin/env bash
# Execution tracking at programme scale (docs/execution.md, docs/benchmarks.md): a generated fleet
# imported into a collector whose planner makes one wave of up to 500 hosts and the others of up
# to 25 (~400 waves for 10,000 hosts), a baseline approved, a year of status history written for
# every other tracked host (each host walked through the lifecycle, with re-schedules, blocks and
# roll-backs, at dates spread over the past year), then, timed as curl sees them on loopback:
#   the largest wave moved planned → scheduled → in_progress → cut_over (one POST each);
#   GET /api/v1/waves/{n} of that wave, before and after linking each of its hosts to a target
#   with a week of real utilisation (the page then validates every host); one host's validation with a month of real utilisation
#   (bench/execution_pair.py); GET /api/v1/waves, /api/v1/progress and the steering report as
#   HTML and .xlsx.
#
#   bench/execution_bench.sh [BUILD_DIR] [HOSTS]      e.g. bench/execution_bench.sh build 10000
set -euo pipefail
BUILD_DIR="$(cd "${1:-build}" && pwd)"
HOSTS="${2:-10000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/bench/collector_lib.sh"
bench_workspace execution-bench
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/enrolment-token"
AUTH="Authorization: Bearer $(cat "$WORK/token")"

# Programme scale: a first wave of up to 500 hosts, then waves of 25.
"$ROOT/bench/programme_planner.sh" >"$WORK/planner.yaml"
"$BUILD_DIR/bin/sahab-planner" generate-fleet --hosts "$HOSTS" --seed 1 --out "$WORK/fleet.json"
start_collector() {
  "$BUILD_DIR/bin/sahab-collector" --listen "127.0.0.1:$PORT" --db "$WORK/sahab.db" \
    --api-token-file "$WORK/token" --enrolment-token-file "$WORK/enrolment-token" --planner.config "$WORK/planner.yaml" \
    --planner.metrics-interval 1h --http.max-body-bytes 268435456 >>"$WORK/collector.log" 2>&1 &
  PID=$!
  for _ in $(seq 100); do curl -fsS -o /dev/null "$URL/healthz" 2>/dev/null && break; sleep 0.1; done
}
start_collector
curl -fsS -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$WORK/fleet.json" \
  "$URL/api/v1/import" -o /dev/null
post() { curl -fsS -H "$AUTH" -H 'Content-Type: application/json' -d "$2" "$URL$1"; }
post /api/v1/baselines '{"name": "bench"}' >/dev/null
read -r wave size waves < <(curl -fsS -H "$AUTH" "$URL/api/v1/waves" |
  python3 -c 'import json,sys; d=json.load(sys.stdin)["waves"]; w=max(d, key=lambda w: w["hosts"]); print(w["number"], w["hosts"], len(d))')

# One migrated server and its target with real data (bench/execution_pair.py), rolled up into
# days by the maintenance when the collector restarts below: one host's validation, timed.
python3 "$ROOT/bench/execution_pair.py" "$URL" "$WORK/enrolment-token" bench-src bench-tgt
curl -fsS -X PUT -H "$AUTH" -H 'Content-Type: application/json' -d '{"target_host": "bench-tgt"}' \
  "$URL/api/v1/hosts/bench-src/migration/target" >/dev/null

# A year of history for every tracked host outside the measured wave, written straight into the
# store while the collector is stopped (the API would stamp every change "now").
kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""
python3 "$ROOT/bench/status_history.py" "$WORK/sahab.db" "$wave"
start_collector
echo "$HOSTS hosts, $waves waves; largest wave $wave: $size hosts"

timed() {  # timed LABEL CURL-ARGS...: one request, its time and size
  curl -fsS -o "$WORK/answer" -w "%{time_total} %{size_download}" -H "$AUTH" "$@" >"$WORK/time"
  read -r seconds bytes <"$WORK/time"
  echo "$seconds s, $bytes bytes"
}
version=0
for body in '"state": "scheduled", "date": "2027-02-01"' '"state": "in_progress"' '"state": "cut_over"'; do
  took=$(timed -H 'Content-Type: application/json' -d "{$body, \"version\": $version, \"note\": \"bench\"}" \
    "$URL/api/v1/waves/$wave/status")
  version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$WORK/answer")
  echo "POST /api/v1/waves/$wave/status {$body}: $took, $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["changed"])' "$WORK/answer") hosts changed"
done
echo "GET /api/v1/waves/$wave (no host linked): $(timed "$URL/api/v1/waves/$wave")"
# Every host of the wave linked to bench-tgt, the target with a week of real utilisation and an
# inventory: the page validates 500 hosts against it (the worst case: a whole wave cut over).
python3 -c 'import json,sys; print("\n".join(h["id"] for h in json.load(open(sys.argv[1]))["hosts"]))' \
  "$WORK/answer" >"$WORK/links.txt"
while read -r source; do
  curl -fsS -X PUT -H "$AUTH" -H 'Content-Type: application/json' -d '{"target_host": "bench-tgt"}' \
    "$URL/api/v1/hosts/$source/migration/target" >/dev/null
done <"$WORK/links.txt"
for run in 1 2 3; do
  echo "GET /api/v1/waves/$wave ($(wc -l <"$WORK/links.txt") hosts linked to bench-tgt; run $run): $(timed "$URL/api/v1/waves/$wave")"
done
for run in 1 2 3; do
  echo "GET /api/v1/hosts/bench-src/validation (a month before, a week after; run $run): $(timed "$URL/api/v1/hosts/bench-src/validation")"
done
echo "GET /api/v1/waves: $(timed "$URL/api/v1/waves")"
echo "GET /api/v1/progress: $(timed "$URL/api/v1/progress")"
echo "GET /api/v1/progress/report?format=html: $(timed "$URL/api/v1/progress/report?format=html&lang=ar")"
echo "GET /api/v1/progress/report?format=xlsx: $(timed "$URL/api/v1/progress/report?format=xlsx")"
