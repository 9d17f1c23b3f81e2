#!/usr/bin/env bash
# Web UI time to interactive and bundle size: a real collector with 10,000 generated hosts (the
# browser tests' fleet, tests/integration/webui_lib.sh), real headless Chromium, and for each page
# the time from navigation to the element that shows its data; median of RUNS loads each.
#
#   bench/webui_tti.sh [BUILD_DIR] [RUNS]      (defaults: build 5)
#   LANGUAGES="fr ar" bench/webui_tti.sh …     (the same pages in each language; default fr)
#   PLANNER_YAML=FILE bench/webui_tti.sh …     (the collector plans with FILE, e.g. larger waves)
#
# Targets (issue 6): every page < 1 s, bundle < 500 KB gzipped. Exit status 1 when one is missed.
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
start_webui_collector ${PLANNER_YAML:+--planner.config "$PLANNER_YAML"}
import_fleet_extras
# A baseline of the plan, so the Progress page and the waves' pages have something to track.
curl -fsS -H "$API_AUTH" -H 'Content-Type: application/json' -d '{"name": "bench"}' "$URL/api/v1/baselines" >/dev/null
RUNS="$RUNS" node "$SOURCE_DIR/bench/webui_tti.mjs"
