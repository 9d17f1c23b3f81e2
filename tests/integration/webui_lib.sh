# Shared set-up of the browser tests (source after lib.sh and collector_lib.sh): a real collector
# with a viewer (vera) and an admin (ada), loaded with a generated fleet of WEBUI_HOSTS hosts
# (default 10,000) through /api/v1/import, and one agent host (agent-01) with six hours of
# measured utilisation pushed through /api/v1/ingest. Extra collector flags: "$@".
: "${SAHAB_WEBUI_NODE_MODULES:?set by ctest}" "${SAHAB_WEBUI_SCREENSHOTS:?set by ctest}"

# start_ui_users_collector [EXTRA FLAGS...]: the collector with the viewer and the admin.
start_ui_users_collector() {
  export VIEWER_PASSWORD="viewer-$RANDOM-secret" ADMIN_PASSWORD="admin-$RANDOM-secret"
  local viewer_hash admin_hash
  viewer_hash="$(echo "$VIEWER_PASSWORD" | "$COLLECTOR" hash-password)"
  admin_hash="$(echo "$ADMIN_PASSWORD" | "$COLLECTOR" hash-password)"
  start_collector --ui.user "vera:viewer:$viewer_hash" --ui.user "ada:admin:$admin_hash" "$@"
}

# import_fleet FILE HOSTS: imports a sahab-fleet/1 document of HOSTS hosts.
import_fleet() {
  curl -fsS -H "$API_AUTH" -H 'Content-Type: application/json' --data-binary @"$1" \
    "$URL/api/v1/import" >"$WORK/import.json"
  [[ "$(json 'd["imported"]' <"$WORK/import.json")" == "$2" ]] || fail "import: $(cat "$WORK/import.json")"
}

# The variables the browser tests read (webui_harness.mjs).
export_browser_env() {
  export URL API_TOKEN="$(cat "$API_TOKEN_FILE")" SCREENSHOTS="$SAHAB_WEBUI_SCREENSHOTS"
  export PROFILE_DIR="$WORK/chromium-profile"
}

# push_history HOST_ID HOSTNAME: enrols HOST_ID and pushes six hours of measured utilisation.
push_history() {
  local cred hours
  cred="$(python3 "$PUSH" enrol "$URL" "$ENROL_TOKEN_FILE" "$1" "$2")"
  for hours in 1 2 3 4 5 6; do
    python3 "$PUSH" doc "$1" "$hours" --start $(( $(date +%s) / 60 * 60 - hours * 3600 )) \
      --values "0.$hours,0.$((hours + 1)),0.$((hours + 2))" >"$WORK/doc-$hours.json"
    [[ $(ingest "$cred" "$WORK/doc-$hours.json") == 200 ]] || fail "ingest: $(cat "$WORK/reply.json")"
  done
}

# start_demo_collector [EXTRA FLAGS...]: what `make demo` shows (scripts/demo.sh): the planner's
# synthetic fleet of WEBUI_HOSTS (default 2,000) servers, and a real sahab-agent on this machine
# reporting every second, whose host id is exported as AGENT_HOST_ID.
start_demo_collector() {
  local hosts="${WEBUI_HOSTS:-2000}" port
  start_ui_users_collector "$@"
  "$BIN_DIR/sahab-planner" generate-fleet --hosts "$hosts" --seed 2026 --out "$WORK/fleet.json"
  import_fleet "$WORK/fleet.json" "$hosts"
  port=$(free_port)
  start agent "$BIN_DIR/sahab-agent" --web.listen-address "127.0.0.1:$port" --collector.url "$URL" \
    --enrolment-token-file "$ENROL_TOKEN_FILE" --state.dir "$WORK/agent" --spool.dir "$WORK/agent/spool" \
    --sample.interval 200ms --report.interval 1s --label region=Rabat-Salé-Kénitra --label province=Rabat \
    --label commune=Rabat --label environment=dev --label application=sahab-demo
  wait_http "http://127.0.0.1:$port/healthz" 30
  export AGENT_HOST_ID AGENT_URL="http://127.0.0.1:$port"
  AGENT_HOST_ID="$(curl -fsS "$AGENT_URL/inventory" | json 'd["sections"]["identity"]["data"]["host_id"]')"
  local deadline=$((SECONDS + 30))
  until curl -fsS -o /dev/null -H "$API_AUTH" "$URL/api/v1/hosts/$AGENT_HOST_ID"; do
    (( SECONDS < deadline )) || fail "the agent's first report did not arrive"
    sleep 0.2
  done
  export_browser_env
}

start_webui_collector() {
  local hosts="${WEBUI_HOSTS:-10000}"
  start_ui_users_collector "$@"
  python3 "$(dirname "${BASH_SOURCE[0]}")/webui_fleet.py" "$hosts" >"$WORK/fleet.json"
  import_fleet "$WORK/fleet.json" "$hosts"
  push_history agent-01 web-01
  export_browser_env
}

# Three hosts on systems past their end of support (two with a strategy label), and dependencies: an application
# (srv-00010/12 use the database srv-00011, srv-00010 a cache srv-00013) and a DNS server
# (srv-00020) used by sixty hosts, which the planner treats as shared infrastructure.
import_fleet_extras() {
  python3 - >"$WORK/extra.json" <<'PY'
import json
# The planner obeys a strategy label: one of them is kept, one retired.
hosts = [{"id": f"old-{i}", "hostname": f"old-{i}.gov.ma",
          "labels": {"region": "Souss-Massa", "province": "Agadir", **({"strategy": ["retain", "retire"][i]} if i < 2 else {})},
          "os": {"family": "linux", "name": name, "version": version}, "cpu": {"cores": 2}, "memory_bytes": 4 << 30}
         for i, (name, version) in enumerate([("CentOS Linux", "7"), ("Ubuntu", "18.04"), ("Windows Server", "2012 R2")])]
# An application: web servers srv-00010/12 use the database srv-00011 and a cache srv-00013;
# sixty hosts use the DNS server srv-00020 (shared infrastructure).
connections = [{"source": "srv-00010", "target": "srv-00011", "port": 5432, "connections_per_day": 50000},
               {"source": "srv-00012", "target": "srv-00011", "port": 5432, "connections_per_day": 40000},
               {"source": "srv-00010", "target": "srv-00013", "port": 6379, "connections_per_day": 90000}]
connections += [{"source": f"srv-{100 + i:05d}", "target": "srv-00020", "port": 53, "connections_per_day": 2000}
                for i in range(60)]
connections.append({"source": "srv-00011", "target": "srv-00020", "port": 53, "connections_per_day": 2000})
print(json.dumps({"format": "sahab-fleet/1", "hosts": hosts, "connections": connections}))
PY
  curl -fsS -H "$API_AUTH" -H 'Content-Type: application/json' --data-binary @"$WORK/extra.json" \
    "$URL/api/v1/import" | json 'd["imported"]' | grep -qx 3 || fail "extra import"
}

# export_rvtools_sample: RVTOOLS_WORKBOOK, the shared samples' real RVTools 4.7 export of 19 VMs
# (one of them 'checkmk'), read there, never copied.
export_rvtools_sample() {
  export RVTOOLS_WORKBOOK="$SAHAB_SOURCE_DIR/../shared/samples/imports/rvtools/abeggi/BCspa1.xlsx"
  [[ -r "$RVTOOLS_WORKBOOK" ]] || fail "the shared RVTools sample is missing: $RVTOOLS_WORKBOOK"
}
