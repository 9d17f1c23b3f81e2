#!/usr/bin/env bash
# make demo: runs the agent on this machine and shows what it exports.
# (The collector, planner and web UI join the demo as they land.)
set -euo pipefail
BUILD_DIR="${1:-build}"
BIN="$BUILD_DIR/bin"
PORT="${SAHAB_DEMO_AGENT_PORT:-9100}"

"$BIN/sahab-agent" --web.listen-address "127.0.0.1:$PORT" &
agent=$!
trap 'kill $agent 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null && break; sleep 0.1; done
echo "== sahab-agent on http://127.0.0.1:$PORT/metrics (first lines) =="
curl -fsS "http://127.0.0.1:$PORT/metrics" | grep -v '^#' | head -n 25
echo "== press Ctrl-C to stop =="
wait $agent
