#!/usr/bin/env bash
# The Imports page in real headless Chromium (issue 16): a real RVTools 4.7 workbook from the shared
# samples (read there, never copied) previewed, confirmed, seen in Hosts and in the plan, rolled
# back; a truncated workbook and an all-or-nothing file refused with nothing written; the page is
# an admin's (a viewer has no link to it).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
source "$(dirname "$0")/webui_lib.sh"

export_rvtools_sample
start_ui_users_collector
# A small fleet to plan, and one server the workbook also lists (its VM 'checkmk'), known by name.
"$BIN_DIR/sahab-planner" generate-fleet --hosts 20 --seed 16 --out "$WORK/fleet.json"
python3 - "$WORK/fleet.json" <<'PY'
import json, sys
fleet = json.load(open(sys.argv[1]))
fleet["hosts"].append({"id": "monitoring-01", "hostname": "checkmk", "labels": dict(fleet["hosts"][0]["labels"]),
                       "os": {"family": "linux", "name": "Debian GNU/Linux", "version": "12"},
                       "cpu": {"cores": 2}, "memory_bytes": 4 << 30})
json.dump(fleet, open(sys.argv[1], "w"))
PY
import_fleet "$WORK/fleet.json" 21
export_browser_env
node "$(dirname "$0")/webui_imports.mjs"
