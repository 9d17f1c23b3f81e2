#!/usr/bin/env bash
# `make demo`'s script end to end on a smaller fleet: collector + imported fleet + real agent +
# plan, then the printed web UI credentials really sign in.
source "$(dirname "$0")/lib.sh"
port=$(free_port)
SAHAB_DEMO_EXIT=1 SAHAB_DEMO_HOSTS=300 SAHAB_DEMO_PORT="$port" SAHAB_DEMO_AGENT_PORT="$(free_port)" \
  "$SAHAB_SOURCE_DIR/scripts/demo.sh" "$BIN_DIR/.." >"$WORK/demo.log" 2>&1 || { cat "$WORK/demo.log"; fail "demo failed"; }
grep -q "imported 300 hosts" "$WORK/demo.log" || fail "fleet not imported"
grep -q "the collector holds this machine's inventory" "$WORK/demo.log" || fail "agent report missing"
grep -qE "^301 hosts in [0-9]+ waves" "$WORK/demo.log" || fail "plan does not cover the fleet and the agent"
grep -qE "^301 hosts, cloud [0-9,]+ MAD/month \(sahab-plan-summary/1\)" "$WORK/demo.log" ||
  fail "the collector's own plan (GET /api/v1/plan/summary) is missing"
pass "demo set up collector, fleet, agent and plan"

password="$(sed -nE 's/.*user: admin   password: ([0-9a-f]+).*/\1/p' "$WORK/demo.log")"
[[ -n "$password" ]] || fail "no web UI password printed"
# The demo stopped its processes on exit; start its collector again with the config it wrote.
start collector "$BIN_DIR/sahab-collector" --config "$BIN_DIR/../demo/collector.yaml"
wait_http "http://127.0.0.1:$port/healthz"
expect_status 200 -H 'Content-Type: application/json' --data "{\"user\":\"admin\",\"password\":\"$password\"}" "http://127.0.0.1:$port/api/v1/login"
expect_status 401 -H 'Content-Type: application/json' --data '{"user":"admin","password":"wrong-password"}' "http://127.0.0.1:$port/api/v1/login"
pass "the printed credentials sign in, wrong ones do not"
echo "2 passed, 0 failed"
