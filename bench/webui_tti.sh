#!/usr/bin/env bash
# Web UI time to interactive and bundle size: a real collector with 10,000 generated hosts (the
# browser tests' fleet, tests/integration/webui_lib.sh), real headless Chromium, and for each page
# the time from navigation to the element that shows its data; median of RUNS loads each.
#
#   bench/webui_tti.sh [BUILD_DIR] [RUNS]      (defaults: build 5)
#   LANGUAGES="fr ar" bench/webui_tti.sh …     (the same pages in each language; default fr)
#   PLANNER_YAML=FILE bench/webui_tti.sh …     (the collector plans with FILE, e.g. larger waves)
#   PROGRAMME=1 bench/webui_tti.sh …           (programme scale, issue 20: bench/programme_planner.sh's
#                                               ~400 waves, the largest of 500 hosts, and a year of
#                                               status history, bench/status_history.py; the
#                                               500-host wave's bulk change timed on its page)
#
# Targets (issues 6, 20): every page < 1 s, a bulk change < 1 s, bundle < 500 KB gzipped. Exit
# status 1 when one is missed.
set -euo pipefail
BUILD_DIR="$(cd "${1:-build}" && pwd)"
RUNS="${2:-5}"
SOURCE_DIR="$(cd "$(dirname "$0")/.." && pwd)"
export SAHAB_WEBUI_NODE_MODULES="$BUILD_DIR/collector/webui/npm/node_modules"
[[ -d "$SAHAB_WEBUI_NODE_MODULES" ]] || { echo "build first: $SAHAB_WEBUI_NODE_MODULES missing" >&2; exit 2; }

# Bundle size: every asset of the embedded bundle, minified, then gzipped as the collector sends it.
echo "| asset | bytes | gzipped |"
echo "|---|---|---|"
total=0 total_gz=0
for asset in "$BUILD_DIR"/collector/webui/dist/assets/* "$BUILD_DIR"/collector/webui/dist/index.html; do
  bytes=$(stat -c %s "$asset") gz=$(gzip -6 -c "$asset" | wc -c)
  total=$((total + bytes)) total_gz=$((total_gz + gz))
  echo "| $(basename "$asset") | $bytes | $gz |"
done
echo "| **total** | $total | $total_gz |"
export BUNDLE_GZIP_BYTES=$total_gz

set -- "$BUILD_DIR/bin"
source "$SOURCE_DIR/tests/integration/lib.sh"
source "$SOURCE_DIR/tests/integration/collector_lib.sh"
export SAHAB_WEBUI_SCREENSHOTS="$WORK/screenshots"
source "$SOURCE_DIR/tests/integration/webui_lib.sh"
if [[ -n "${PROGRAMME:-}" ]]; then
  PLANNER_YAML="$WORK/programme.yaml"
  "$SOURCE_DIR/bench/programme_planner.sh" >"$PLANNER_YAML"
fi
start_webui_collector ${PLANNER_YAML:+--planner.config "$PLANNER_YAML"}
import_fleet_extras
# A baseline of the plan, so the Progress page and the waves' pages have something to track.
curl -fsS -H "$API_AUTH" -H 'Content-Type: application/json' -d '{"name": "bench"}' "$URL/api/v1/baselines" >/dev/null
if [[ -n "${PROGRAMME:-}" ]]; then
  # A year of history behind every tracked host but the largest wave's, written while the
  # collector is stopped; the same collector (database, users) started again.
  largest="$(api /api/v1/waves | json 'max(d["waves"], key=lambda w: w["hosts"])["number"]')"
  kill "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null || true
  python3 "$SOURCE_DIR/bench/status_history.py" "$WORK/sahab.db" "$largest"
  start_ui_users_collector --planner.config "$PLANNER_YAML"
  export_browser_env
  export BULK_WAVE="$largest"
fi
echo "load average before: $(cut -d" " -f1-3 /proc/loadavg)"
RUNS="$RUNS" node "$SOURCE_DIR/bench/webui_tti.mjs" || status=$?
echo "load average after: $(cut -d" " -f1-3 /proc/loadavg)"
exit "${status:-0}"
