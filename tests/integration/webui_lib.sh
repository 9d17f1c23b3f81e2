# Shared set-up of the browser tests (source after lib.sh and collector_lib.sh): a real collector
# with a viewer (vera) and an admin (ada), loaded with a generated fleet of WEBUI_HOSTS hosts
# (default 10,000) through /api/v1/import, and one agent host (agent-01) with six hours of
# measured utilisation pushed through /api/v1/ingest. Extra collector flags: "$@".
: "${SAHAB_WEBUI_NODE_MODULES:?set by ctest}" "${SAHAB_WEBUI_SCREENSHOTS:?set by ctest}"

start_webui_collector() {
  local hosts="${WEBUI_HOSTS:-10000}"
  export VIEWER_PASSWORD="viewer-$RANDOM-secret" ADMIN_PASSWORD="admin-$RANDOM-secret"
  local viewer_hash admin_hash
  viewer_hash="$(echo "$VIEWER_PASSWORD" | "$COLLECTOR" hash-password)"
  admin_hash="$(echo "$ADMIN_PASSWORD" | "$COLLECTOR" hash-password)"
  start_collector --ui.user "vera:viewer:$viewer_hash" --ui.user "ada:admin:$admin_hash" "$@"

  python3 "$(dirname "${BASH_SOURCE[0]}")/webui_fleet.py" "$hosts" >"$WORK/fleet.json"
  curl -fsS -H "$API_AUTH" -H 'Content-Type: application/json' --data-binary @"$WORK/fleet.json" \
    "$URL/api/v1/import" >"$WORK/import.json"
  [[ "$(json 'd["imported"]' <"$WORK/import.json")" == "$hosts" ]] || fail "import: $(cat "$WORK/import.json")"

  local cred hours
  cred="$(python3 "$PUSH" enrol "$URL" "$ENROL_TOKEN_FILE" agent-01 web-01)"
  for hours in 1 2 3 4 5 6; do
    python3 "$PUSH" doc agent-01 "$hours" --start $(( $(date +%s) / 60 * 60 - hours * 3600 )) \
      --values "0.$hours,0.$((hours + 1)),0.$((hours + 2))" >"$WORK/doc-$hours.json"
    [[ $(ingest "$cred" "$WORK/doc-$hours.json") == 200 ]] || fail "ingest: $(cat "$WORK/reply.json")"
  done

  export URL API_TOKEN="$(cat "$API_TOKEN_FILE")" SCREENSHOTS="$SAHAB_WEBUI_SCREENSHOTS"
  export PROFILE_DIR="$WORK/chromium-profile"
}
