#!/usr/bin/env bash
# `promtool check metrics` (Debian prometheus) on the agent's real /metrics output.
# node_exporter's own names (node_memory_MemTotal_bytes, ...) are camelCase and promtool lints
# them; the agent must keep those names for compatibility. So the agent may show only the
# problems node_exporter shows for the same collectors, on this machine, now; anything else fails.
source "$(dirname "$0")/lib.sh"
AGENT="$BIN_DIR/sahab-agent"
NODE_EXPORTER="${NODE_EXPORTER:-prometheus-node-exporter}"
command -v promtool >/dev/null || fail "promtool not installed (Debian prometheus)"
command -v "$NODE_EXPORTER" >/dev/null || fail "$NODE_EXPORTER not installed"

mapfile -t collectors < <("$AGENT" --help | sed -nE 's/.*--\[no-\]collector\.([a-z0-9_]+)[[:space:]].*/\1/p')
(( ${#collectors[@]} > 0 )) || fail "no collectors in the agent's --help"
mapfile -t node_known < <("$NODE_EXPORTER" --help 2>&1 | sed -nE 's/^ *--(\[no-\])?collector\.([a-z0-9_]+)( .*)?$/\2/p')
node_collectors=()
for c in "${collectors[@]}"; do
  if [[ " ${node_known[*]} " == *" $c "* ]]; then node_collectors+=("$c"); fi  # no printf | grep -q: SIGPIPE
done

agent_port=$(free_port)
start agent "$AGENT" --web.listen-address "127.0.0.1:$agent_port" "${collectors[@]/#/--collector.}"
node_port=$(free_port)
start node_exporter "$NODE_EXPORTER" --web.listen-address="127.0.0.1:$node_port" \
  --collector.disable-defaults "${node_collectors[@]/#/--collector.}"
wait_http "http://127.0.0.1:$agent_port/metrics" 60
wait_http "http://127.0.0.1:$node_port/metrics" 60
curl -fsS --max-time 30 -o "$WORK/agent.txt" "http://127.0.0.1:$agent_port/metrics" || fail "scrape agent"
curl -fsS --max-time 30 -o "$WORK/node.txt" "http://127.0.0.1:$node_port/metrics" || fail "scrape node_exporter"

# lint FILE OUT: promtool's problems, sorted; fails the test on a parse error (exit 1).
lint() {
  local status=0
  promtool check metrics <"$1" >"$2.raw" 2>&1 || status=$?
  [[ $status -eq 0 || $status -eq 3 ]] || { cat "$2.raw" >&2; return 1; }  # 3 = lint problems
  sort -u "$2.raw" >"$2"
}
lint "$WORK/node.txt" "$WORK/node.lint" || fail "promtool cannot parse node_exporter's output"
lint "$WORK/agent.txt" "$WORK/agent.lint" || fail "promtool cannot parse the agent's output"
extra="$(comm -23 "$WORK/agent.lint" "$WORK/node.lint")"
[[ -z "$extra" ]] || fail "promtool problems beyond node_exporter's own names:
$extra"
echo "promtool: $(wc -l <"$WORK/agent.lint") camelCase notes, all on node_exporter's own names"
pass "promtool check metrics on the agent's output"

# The check must be able to fail: a counter without _total and a malformed line.
sed 's/^node_cpu_seconds_total/node_cpu_seconds/; s/ node_cpu_seconds_total / node_cpu_seconds /' \
  "$WORK/agent.txt" >"$WORK/bad.txt"
lint "$WORK/bad.txt" "$WORK/bad.lint" || fail "promtool cannot parse the corrupted output"
comm -23 "$WORK/bad.lint" "$WORK/node.lint" | grep -q '_total' || fail "counter without _total not reported"
pass "a counter without _total is reported"
{ cat "$WORK/agent.txt"; printf 'node_broken{label="unterminated 1\n'; } >"$WORK/broken.txt"
if lint "$WORK/broken.txt" "$WORK/broken.lint" 2>/dev/null; then fail "malformed output accepted"; fi
pass "malformed output rejected"
echo "3 passed, 0 failed"
