#!/usr/bin/env bash
# kill -9 of the collector in the middle of pushes, then restart: every acknowledged batch is
# present, none twice; agents replaying from their last acknowledgement are told "duplicate" for
# what was stored but not acknowledged.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
FLAGS=(--ingest.burst 100000 --ingest.rate-per-agent 100000)
start_collector "${FLAGS[@]}"
creds=()
for i in 1 2 3; do creds+=("$(python3 "$PUSH" enrol "$URL" "$ENROL_TOKEN_FILE" "load-$i")"); done

for i in 1 2 3; do
  python3 "$PUSH" load "$URL" "${creds[$((i-1))]}" "load-$i" 1 100000 "$WORK/acks-$i" >"$WORK/count-$i" 2>&1 &
  PIDS+=("$!")
done
# Kill once every pusher has a few acknowledgements (a fixed sleep fails on a loaded machine,
# where starting three Python interpreters alone can take seconds).
all_acked() {
  local i
  for i in 1 2 3; do
    [[ -s "$WORK/acks-$i" ]] && (( $(wc -l <"$WORK/acks-$i") > 5 )) || return 1
  done
}
deadline=$((SECONDS + 60))
until all_acked; do
  (( SECONDS < deadline )) || fail "the pushers got no acknowledgements"
  sleep 0.2
done
kill -9 "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null || true
for i in 1 2 3; do wait "${PIDS[-1]}" 2>/dev/null || true; unset 'PIDS[-1]'; done
total=0
for i in 1 2 3; do
  acked=$(wc -l <"$WORK/acks-$i"); total=$((total + acked))
  (( acked > 5 )) || fail "load-$i acknowledged only $acked batches before the kill"
done
pass "$total batches acknowledged before kill -9"

start_collector "${FLAGS[@]}"
for i in 1 2 3; do
  last=$(tail -n 1 "$WORK/acks-$i")
  # The host's mark: the highest sequence stored and how many batches were (docs/storage.md).
  IFS='|' read -r max count <<<"$(sql "SELECT sequence, batches FROM batch_marks WHERE host_id = 'load-$i'")"
  (( max >= last )) || fail "load-$i: acknowledged $last but only up to $max stored"
  (( max <= last + 1 )) || fail "load-$i: $max stored, more than one past the last ack $last"
  (( count == max )) || fail "load-$i: $count batches stored for sequences 1..$max: a gap or a twin"
  # Each summary holds two metrics (sahab_push.py): two block entries per stored batch.
  summaries() { sql "SELECT CAST(coalesce(sum(entries), 0) AS INTEGER) / 2 FROM summary_blocks WHERE host_id = 'load-$i'"; }
  (( $(summaries) == count )) || fail "load-$i: $(summaries) summaries for $count batches"
  # The agent replays everything after its last acknowledgement: stored once, never twice.
  python3 "$PUSH" load "$URL" "${creds[$((i-1))]}" "load-$i" "$((last + 1))" 3 "$WORK/replay-$i" >/dev/null
  [[ $(wc -l <"$WORK/replay-$i") == 3 ]] || fail "load-$i: replay not acknowledged"
  [[ "$(sql "SELECT sequence || ' ' || batches FROM batch_marks WHERE host_id = 'load-$i'")" == "$((last + 3)) $((last + 3))" ]] ||
    fail "load-$i: replay stored twice or lost"
  (( $(summaries) == last + 3 )) || fail "load-$i: $(summaries) summaries after the replay, $((last + 3)) batches"
done
store_intact || fail "integrity"
pass "after restart: every acknowledged batch present once, replays idempotent"
echo "2 passed, 0 failed"
