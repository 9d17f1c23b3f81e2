#!/usr/bin/env bash
# The web UI in real headless Chromium against a real collector loaded with a generated fleet.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
: "${SAHAB_WEBUI_NODE_MODULES:?set by ctest}" "${SAHAB_WEBUI_SCREENSHOTS:?set by ctest}"
HOSTS="${WEBUI_HOSTS:-10000}"

export VIEWER_PASSWORD="viewer-$RANDOM-secret" ADMIN_PASSWORD="admin-$RANDOM-secret"
viewer_hash="$(echo "$VIEWER_PASSWORD" | "$COLLECTOR" hash-password)"
admin_hash="$(echo "$ADMIN_PASSWORD" | "$COLLECTOR" hash-password)"
start_collector --ui.user "vera:viewer:$viewer_hash" --ui.user "ada:admin:$admin_hash"

python3 "$(dirname "$0")/webui_fleet.py" "$HOSTS" >"$WORK/fleet.json"
curl -fsS -H "$API_AUTH" -H 'Content-Type: application/json' --data-binary @"$WORK/fleet.json" \
  "$URL/api/v1/import" >"$WORK/import.json"
[[ "$(json 'd["imported"]' <"$WORK/import.json")" == "$HOSTS" ]] || fail "import: $(cat "$WORK/import.json")"

# One agent host with measured utilisation over the last hours, for the Host page's chart.
cred="$(python3 "$PUSH" enrol "$URL" "$ENROL_TOKEN_FILE" agent-01 web-01)"
for hours in 1 2 3 4 5 6; do
  python3 "$PUSH" doc agent-01 "$hours" --start $(( $(date +%s) / 60 * 60 - hours * 3600 )) \
    --values "0.$hours,0.$((hours + 1)),0.$((hours + 2))" >"$WORK/doc-$hours.json"
  [[ $(ingest "$cred" "$WORK/doc-$hours.json") == 200 ]] || fail "ingest: $(cat "$WORK/reply.json")"
done

export URL API_TOKEN="$(cat "$API_TOKEN_FILE")" SCREENSHOTS="$SAHAB_WEBUI_SCREENSHOTS"
export PROFILE_DIR="$WORK/chromium-profile"
node "$(dirname "$0")/webui_browser.mjs"
