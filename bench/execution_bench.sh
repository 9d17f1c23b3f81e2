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
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sahab-execution-bench.XXXXXX")"
PID=""
trap '[[ -n "$PID" ]] && kill "$PID" 2>/dev/null; rm -rf "$WORK"' EXIT
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
URL="http://127.0.0.1:$PORT"
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/token"
head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/enrolment-token"
AUTH="Authorization: Bearer $(cat "$WORK/token")"

# The shipped planner.yaml with a first wave of up to 500 hosts (10 teams of 50), then waves of 25.
sed -e 's/^  ramp: .*/  ramp: [500, 25]/' -e 's/^  teams: .*/  teams: 10/' \
  -e 's/^  hosts_per_team: .*/  hosts_per_team: 50/' -e 's/^  pilot_waves: .*/  pilot_waves: 0/' \
  -e "s#^  dir: catalogs#  dir: $ROOT/configs/catalogs#" "$ROOT/configs/planner.yaml" >"$WORK/planner.yaml"
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
python3 - "$WORK/sahab.db" "$wave" <<'PY'
import random, sqlite3, sys, time
db, measured = sqlite3.connect(sys.argv[1]), int(sys.argv[2])
random.seed(1)
now = int(time.time())
hosts = db.execute("SELECT host_id, wave, strategy FROM baseline_hosts WHERE baseline_id = 1 "
                   "AND (wave > 0 OR strategy = 'retire') AND wave <> ?", (measured,)).fetchall()
MOVE = ["scheduled", "in_progress", "cut_over", "validated", "retired"]
history = status = 0
for host, wave, strategy in hosts:
    # Earlier waves are further along; every host has at least a schedule, most a re-schedule.
    steps = ["scheduled", "scheduled"]
    if strategy == "retire":
        steps += ["retired"] if random.random() < 0.6 else ["blocked", "scheduled"]
    else:
        done = len(MOVE) if wave < 200 else random.randint(1, len(MOVE) - 1)
        steps += MOVE[1:done]
        if random.random() < 0.1 and steps[-1] in ("in_progress", "cut_over"):
            steps += ["rolled_back", "scheduled", "in_progress"]
        if random.random() < 0.1 and steps[-1] == "scheduled":
            steps += ["blocked", "scheduled"]
    at, state = now - 365 * 86400 + random.randint(0, 30 * 86400), "planned"
    for to in steps:
        at += random.randint(86400, 20 * 86400)
        date = time.strftime("%Y-%m-%d", time.gmtime(at + 14 * 86400)) if to == "scheduled" else ""
        cur = db.execute("INSERT INTO migration_history(baseline_id, host_id, from_state, to_state, "
                         "scheduled_for, note, actor, at) VALUES (1, ?, ?, ?, ?, 'bench', 'paul', ?)",
                         (host, state, to, date, min(at, now)))
        history += 1
        db.execute("INSERT INTO migration_status(host_id, state, scheduled_for, note, changed_by, "
                   "changed_at, version) VALUES (?, ?, ?, 'bench', 'paul', ?, ?) ON CONFLICT(host_id) "
                   "DO UPDATE SET state = excluded.state, scheduled_for = CASE WHEN "
                   "excluded.scheduled_for <> '' THEN excluded.scheduled_for ELSE scheduled_for END, "
                   "changed_at = excluded.changed_at, version = excluded.version",
                   (host, to, date, min(at, now), cur.lastrowid))
        state = to
    status += 1
db.commit()
print(f"history: {history} changes of {status} hosts over the past year")
PY
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
