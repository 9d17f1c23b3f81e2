#!/usr/bin/env bash
# The agent's own CPU cost at a given sampling interval (default: the default, 15s), measured from
# /proc/<pid>/stat over DURATION seconds after a short warm-up, with nobody scraping it.
# Target (docs/benchmarks.md, "Agent sampling"): < 0.5% of one core at the defaults.
# Usage: bench/agent_sampling.sh [BUILD_DIR] [DURATION_SECONDS] [SAMPLE_INTERVAL]
set -euo pipefail
BUILD_DIR="${1:-build}"
DURATION="${2:-60}"
INTERVAL="${3:-15s}"
AGENT="$BUILD_DIR/bin/sahab-agent"
[[ -x "$AGENT" ]] || { echo "build first: $AGENT missing" >&2; exit 1; }
STATE="$(mktemp -d)"
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"

"$AGENT" --web.listen-address "127.0.0.1:$PORT" --state.dir "$STATE" --sample.interval "$INTERVAL" \
  --log.level warn &
PID=$!
trap 'kill $PID 2>/dev/null; wait $PID 2>/dev/null; rm -rf "$STATE"' EXIT
sleep 2  # startup and the baseline reading are not the steady state

# utime + stime in clock ticks (fields 14 and 15, counted after the ')' closing the name).
cpu_ticks() { sed 's/.*) //' "/proc/$PID/stat" | awk '{print $12 + $13}'; }
TICKS="$(getconf CLK_TCK)"
start_ticks="$(cpu_ticks)"
start_ns="$(date +%s%N)"
sleep "$DURATION"
end_ticks="$(cpu_ticks)"
end_ns="$(date +%s%N)"
rss_kib="$(awk '/^VmRSS:/ {print $2}' "/proc/$PID/status")"
metrics="$(curl -fsS "http://127.0.0.1:$PORT/metrics")"
samples="$(awk '/^sahab_agent_sample_duration_seconds_count/ {print $2}' <<<"$metrics")"
sample_sum="$(awk '/^sahab_agent_sample_duration_seconds_sum/ {print $2}' <<<"$metrics")"

python3 - "$start_ticks" "$end_ticks" "$TICKS" "$start_ns" "$end_ns" "$rss_kib" "$samples" "$sample_sum" "$INTERVAL" <<'PY'
import sys
t0, t1, hz, n0, n1, rss, samples, ssum, interval = sys.argv[1:]
cpu_s = (int(t1) - int(t0)) / int(hz)
wall_s = (int(n1) - int(n0)) / 1e9
pct = 100 * cpu_s / wall_s
per_sample_ms = 1000 * float(ssum) / max(1, int(samples))
print(f"sample interval {interval}, {wall_s:.0f} s: agent CPU {cpu_s:.2f} s = {pct:.3f}% of one core "
      f"(target < 0.5%), RSS {int(rss) / 1024:.1f} MiB, {samples} samples, "
      f"{per_sample_ms:.2f} ms wall per sample")
sys.exit(0 if pct < 0.5 or interval != "15s" else 1)
PY
