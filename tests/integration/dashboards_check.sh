#!/usr/bin/env bash
# Shipped Prometheus rules and Grafana dashboards: promtool checks and rule unit tests, dashboard
# structure, and every dashboard PromQL expression parsed by promtool.
source "$(dirname "$0")/lib.sh"
D="$SAHAB_SOURCE_DIR/dashboards"

promtool check rules "$D"/prometheus/rules/*.yml >"$WORK/check-rules.log" 2>&1 || { cat "$WORK/check-rules.log"; fail "promtool check rules"; }
pass "promtool check rules"
(cd "$D/prometheus/tests" && promtool test rules ./*.yml) >"$WORK/test-rules.log" 2>&1 || { cat "$WORK/test-rules.log"; fail "promtool test rules"; }
pass "promtool test rules"
python3 "$(dirname "$0")/dashboards_check.py" "$D/grafana" "$WORK/dashboard-exprs.yml" || fail "dashboard structure"
pass "dashboard structure"
promtool check rules "$WORK/dashboard-exprs.yml" >"$WORK/exprs.log" 2>&1 || { cat "$WORK/exprs.log"; fail "a dashboard expression does not parse"; }
pass "dashboard expressions parse"
echo "4 passed, 0 failed"
