#!/usr/bin/env bash
# A bulk status change of a whole wave (docs/execution.md): a generated fleet imported into a
# collector whose planner may put 500 hosts in one wave, a baseline approved, then the largest
# wave moved planned → scheduled → in_progress → cut_over, each as one POST /api/v1/waves/{n}/status
# timed as curl sees it on loopback, with GET /api/v1/waves/{n} and /api/v1/progress after it.
#
#   bench/execution_bench.sh [BUILD_DIR] [HOSTS]      e.g. bench/execution_bench.sh build 3000
set -euo pipefail
BUILD_DIR="$(cd "${1:-build}" && pwd)"
HOSTS="${2:-3000}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sahab-execution-bench.XXXXXX")"
PID=""
trap '[[ -n "$PID" ]] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
URL="http://127.0.0.1:$PORT"
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/token"
AUTH="Authorization: Bearer $(cat "$WORK/token")"

# The shipped planner.yaml with waves of up to 500 hosts (10 teams of 50).
sed -e 's/^  ramp: .*/  ramp: [500]/' -e 's/^  teams: .*/  teams: 10/' \
  -e 's/^  hosts_per_team: .*/  hosts_per_team: 50/' -e 's/^  pilot_waves: .*/  pilot_waves: 0/' \
  -e "s#^  dir: catalogs#  dir: $ROOT/configs/catalogs#" "$ROOT/configs/planner.yaml" >"$WORK/planner.yaml"
"$BUILD_DIR/bin/sahab-planner" generate-fleet --hosts "$HOSTS" --seed 1 --out "$WORK/fleet.json"
"$BUILD_DIR/bin/sahab-collector" --listen "127.0.0.1:$PORT" --db "$WORK/sahab.db" \
  --api-token-file "$WORK/token" --planner.config "$WORK/planner.yaml" \
  --planner.metrics-interval 1h --http.max-body-bytes 268435456 >"$WORK/collector.log" 2>&1 &
PID=$!
for _ in $(seq 100); do curl -fsS -o /dev/null "$URL/healthz" 2>/dev/null && break; sleep 0.1; done
curl -fsS -H "$AUTH" -H 'Content-Type: application/json' --data-binary @"$WORK/fleet.json" \
  "$URL/api/v1/import" -o /dev/null
post() { curl -fsS -H "$AUTH" -H 'Content-Type: application/json' -d "$2" "$URL$1"; }
post /api/v1/baselines '{"name": "bench"}' >/dev/null
read -r wave size < <(curl -fsS -H "$AUTH" "$URL/api/v1/waves" |
  python3 -c 'import json,sys; w=max(json.load(sys.stdin)["waves"], key=lambda w: w["hosts"]); print(w["number"], w["hosts"])')
echo "$HOSTS hosts; largest wave $wave: $size hosts"
version=0
for body in '"state": "scheduled", "date": "2027-02-01"' '"state": "in_progress"' '"state": "cut_over"'; do
  curl -fsS -o "$WORK/answer" -w "%{time_total}" -H "$AUTH" -H 'Content-Type: application/json' \
    -d "{$body, \"version\": $version, \"note\": \"bench\"}" "$URL/api/v1/waves/$wave/status" >"$WORK/time"
  version=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' "$WORK/answer")
  echo "POST /api/v1/waves/$wave/status {$body}: $(cat "$WORK/time") s, $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["changed"])' "$WORK/answer") hosts changed"
done
curl -fsS -o /dev/null -w "GET /api/v1/waves/$wave: %{time_total} s %{size_download} bytes\n" -H "$AUTH" "$URL/api/v1/waves/$wave"
curl -fsS -o /dev/null -w "GET /api/v1/progress: %{time_total} s %{size_download} bytes\n" -H "$AUTH" "$URL/api/v1/progress"
