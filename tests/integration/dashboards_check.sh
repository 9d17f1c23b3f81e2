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

# The checker must catch broken dashboards: a copy with a duplicate uid and panel id, a panel on
# a fixed data source, an undefined variable and a rate over a fixed range.
mkdir -p "$WORK/broken"
cp "$D"/grafana/*.json "$WORK/broken/"
python3 - "$WORK/broken" <<'PY'
import json, pathlib, sys
d = pathlib.Path(sys.argv[1])
fleet = json.loads((d / "fleet.json").read_text())
panels = [p for p in fleet["panels"] if p["type"] != "row"]
panels[1]["id"] = panels[0]["id"]
panels[2]["datasource"] = {"type": "prometheus", "uid": "prometheus"}
panels[3]["targets"][0]["expr"] = 'up{region=~"$nowhere"}'
panels[4]["targets"][0]["expr"] = "rate(up[5m])"
(d / "fleet.json").write_text(json.dumps(fleet))
host = json.loads((d / "host.json").read_text())
host["uid"] = "sahab-fleet"
(d / "host.json").write_text(json.dumps(host))
PY
if python3 "$(dirname "$0")/dashboards_check.py" "$WORK/broken" "$WORK/broken.yml" >"$WORK/broken.log"; then
  cat "$WORK/broken.log"; fail "the checker accepted broken dashboards"
fi
for want in "duplicate panel id" "does not use \${datasource}" "uses \$nowhere" "use \$__rate_interval" \
            "uid 'sahab-fleet' also used" "no dashboard with uid 'sahab-host'"; do
  grep -q "$want" "$WORK/broken.log" || { cat "$WORK/broken.log"; fail "the checker missed: $want"; }
done
pass "the checker refuses broken dashboards"
echo "5 passed, 0 failed"
