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
