#!/usr/bin/env bash
# The real agent reporting to the real collector on loopback, then the faults of issue 4: the
# collector killed (-9) and restarted while agents push, the agent killed (-9) and restarted, and
# the spool filled past its bound while the collector is down. The agent's own counters and the
# collector's SQLite file (read with python3's sqlite3) are compared: every acknowledged batch is
# stored once, sequence numbers have no gap except the batches dropped (and counted) by the spool.
source "$(dirname "$0")/lib.sh"
AGENT="$BIN_DIR/sahab-agent"
COLLECTOR="$BIN_DIR/sahab-collector"
head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/enrol"
head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$WORK/api"
API=(-H "Authorization: Bearer $(cat "$WORK/api")")
cport=$(free_port)
aport=$(free_port)
CURL_COLLECTOR="http://127.0.0.1:$cport"

start_collector() {
  start collector "$COLLECTOR" --listen "127.0.0.1:$cport" --db "$WORK/sahab.db" \
    --enrolment-token-file "$WORK/enrol" --api-token-file "$WORK/api"
  COLLECTOR_PID=$LAST_PID
  wait_http "$CURL_COLLECTOR/healthz" 30
}
AGENT_RUN=0
start_agent() {  # each run logs to its own agent-N.log
  AGENT_RUN=$((AGENT_RUN + 1))
  start "agent-$AGENT_RUN" "$AGENT" --web.listen-address "127.0.0.1:$aport" --collector.url "$CURL_COLLECTOR" \
    --enrolment-token-file "$WORK/enrol" --state.dir "$WORK/agent" --spool.dir "$WORK/agent/spool" \
    --sample.interval 100ms --report.interval 500ms --label commune=Agadir --label region=Souss-Massa "$@"
  AGENT_PID=$LAST_PID
  wait_http "http://127.0.0.1:$aport/healthz" 30
}
agent_metric() {  # agent_metric NAME -> value (0 if absent)
  curl -fsS "http://127.0.0.1:$aport/metrics" | awk -v n="$1" '$1 == n { v = $2 } END { print v + 0 }'
}
# until_true SECONDS CMD...: polls CMD until it succeeds.
until_true() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do (( SECONDS < deadline )) || fail "timed out waiting for: $*"; sleep 0.2; done
}
stored() {  # stored SQL -> the number the collector's database answers
  python3 - "$WORK/sahab.db" "$1" <<'PY'
import sqlite3, sys
db = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True, timeout=10)
print(db.execute(sys.argv[2]).fetchone()[0])
PY
}

start_collector
start_agent
# The interval is logged as given (it read "every 0s" for 500ms, in whole seconds).
grep -q "reporting to $CURL_COLLECTOR every 500ms; spool" "$WORK/agent-1.log" ||
  fail "reporting line: $(grep reporting "$WORK/agent-1.log")"
host_id="$(curl -fsS "http://127.0.0.1:$aport/inventory" | python3 -c 'import json,sys; print(json.load(sys.stdin)["sections"]["identity"]["data"]["host_id"])')"
host_known() { curl -fsS -o /dev/null "${API[@]}" "$CURL_COLLECTOR/api/v1/hosts/$host_id"; }
until_true 30 host_known
detail="$(curl -fsS "${API[@]}" "$CURL_COLLECTOR/api/v1/hosts/$host_id")"
python3 - "$detail" "$(hostname)" <<'PY' || fail "host detail"
import json, sys
host = json.loads(sys.argv[1])
text = json.dumps(host)
assert sys.argv[2] in text, "hostname missing"
assert "Agadir" in text, "labels missing"
assert "hardware" in text, "inventory missing"
PY
pass "the agent enrolled and its inventory reached the collector"

has_percentiles() {
  curl -fsS "${API[@]}" "$CURL_COLLECTOR/api/v1/hosts/$host_id/utilisation?metric=cpu_ratio" >"$WORK/util.json" &&
    python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s=json.dumps(d); assert "p95" in s and d' "$WORK/util.json"
}
until_true 30 has_percentiles
pass "utilisation percentiles are answered"

# Collector killed mid-push, down for a while, restarted: nothing acknowledged is lost.
kill -9 "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null || true
spooling() { (( $(agent_metric sahab_agent_spool_batches) >= 3 )); }
until_true 30 spooling
kill -9 "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true   # and the agent too, spool on disk
spooled_before_restart=$(ls "$WORK/agent/spool" | grep -c '\.batch$' || true)
(( spooled_before_restart >= 3 )) || fail "spool lost batches across kill -9 ($spooled_before_restart)"
start_collector
start_agent
drained() { (( $(agent_metric sahab_agent_spool_batches) == 0 )) && (( $(agent_metric sahab_agent_push_acknowledged_total) >= spooled_before_restart )); }
until_true 60 drained
# One query, as the agent keeps pushing meanwhile.
read -r highest count < <(stored "SELECT sequence || ' ' || batches FROM batch_marks WHERE host_id = '$host_id'")
(( count == highest )) || fail "collector holds $count batches for sequences up to $highest: a gap"
pass "kill -9 of collector and agent: $count batches, sequences 1..$highest without gap or duplicate"
# The agent reports its spool with each batch; the collector serves the latest report.
spool_reported() {
  curl -fsS "${API[@]}" "$CURL_COLLECTOR/api/v1/agents" | python3 -c '
import json, sys
agents = [a for a in json.load(sys.stdin)["agents"] if a["host_id"] == sys.argv[1] and not a["revoked"]]
s = agents[-1].get("spool") if agents else None
sys.exit(0 if s and isinstance(s["batches"], int) and isinstance(s["bytes"], int) and s["reported_at"] else 1)' "$host_id"
}
until_true 30 spool_reported
pass "the agent's spool state (batches, bytes, oldest) reaches GET /api/v1/agents"

# Spool past its bound while the collector is down: the oldest are dropped and counted.
kill -9 "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null || true
kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true
start_agent --spool.max-bytes 8KiB
dropping() { (( $(agent_metric sahab_agent_spool_dropped_total) >= 2 )); }
until_true 60 dropping
kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true
start_collector
start_agent --spool.max-bytes 8KiB
until_true 60 drained
kill "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true
# Every drop is logged with its sequence numbers, in whichever run it happened. A dropped batch
# may still be stored: the collector committed it but was killed before the agent read the ack.
cat "$WORK"/agent-*.log | sed -nE 's/.*spool: dropped .*sequences ([0-9,]+).*/\1/p' | tr ',' '\n' | sort -n >"$WORK/dropped"
(( $(wc -l <"$WORK/dropped") >= 2 )) || fail "no drops logged"
read -r highest count < <(stored "SELECT sequence || ' ' || batches FROM batch_marks WHERE host_id = '$host_id'")
python3 - "$highest" "$count" "$WORK/dropped" <<'PY' || fail "more batches missing than the spool dropped"
import sys
highest, count = int(sys.argv[1]), int(sys.argv[2])
dropped = {int(line) for line in open(sys.argv[3]) if line.strip() and int(line) <= highest}
missing = highest - count
print(f"{count} stored up to sequence {highest}, {len(dropped)} dropped by the spool, {missing} missing")
sys.exit(0 if 0 < missing <= len(dropped) else 1)
PY
pass "spool bound: drops are logged and counted, and only dropped batches are missing"
echo "5 passed, 0 failed"
