#!/usr/bin/env bash
# vCenter discovery against vcsim (VMware's simulator, built from Debian's govmomi source): a
# source added through the API reads 2,000 VMs into the fleet and the plan; a second run changes
# nothing; a VM destroyed in the simulator is marked gone, not deleted; wrong credentials, an
# unreachable port and an untrusted certificate each give a failed state with their reason; the
# password is in no answer, no log line and not in clear in the database; non-admins get 403; a
# month of each VM's performance history is read and the plan sizes the VMs on it; a
# standalone ESXi host is read the same way; a run under way does not hold the collector's stop.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
source "$(dirname "$0")/vcsim_lib.sh"

start_vcsim vcsim -dc 1 -cluster 2 -host 2 -vm 1000 -standalone-host 0 -username reader \
  -password 'Vc-S3cret!pw'
planner_hash="$(echo 'planner-password-1' | "$COLLECTOR" hash-password)"
start_collector --sources.interval 1h --ui.user "pia:planner:$planner_hash"
pia_csrf="$(curl -fsS -c "$WORK/pia" -H 'Content-Type: application/json' \
  -d '{"user":"pia","password":"planner-password-1"}' "$URL/api/v1/login" | json 'd["csrf_token"]')"
PASSWORD='Vc-S3cret!pw'

post() {  # post PATH BODY: prints the status, the answer in $WORK/reply.json
  curl -s -o "$WORK/reply.json" -w '%{http_code}' -H "$API_AUTH" -H 'Content-Type: application/json' \
    -X "${METHOD:-POST}" --data-binary "$2" "$URL$1"
}
source_body() {  # source_body NAME URL PASSWORD [TLS-JSON]
  printf '{"kind": "vcenter", "name": "%s", "url": "%s", "username": "reader", "password": "%s", "tls": %s}' \
    "$1" "$2" "$3" "${4:-{\"insecure\": true\}}"
}
# wait_state ID: waits for the source's run to end; prints its state.
wait_state() {
  local deadline=$((SECONDS + 120)) state
  while :; do
    state=$(api "/api/v1/sources/$1" | json 'd["state"]')
    [[ $state == ok || $state == failed ]] && { echo "$state"; return; }
    ((SECONDS < deadline)) || fail "source $1 still $state"
    sleep 0.3
  done
}
started_of() { api "/api/v1/sources/$1" | json 'd["last_run"]["started_at"]'; }
# wait_new_run ID STARTED: waits for a run of the source started after STARTED (its started_at
# before the run was asked for: a performance run under way delays it) to end; prints its state.
wait_new_run() {
  local deadline=$((SECONDS + 900))
  until [[ $(started_of "$1") != "$2" ]]; do
    ((SECONDS < deadline)) || fail "source $1: the run asked for never started"
    sleep 0.5
  done
  wait_state "$1"
}
metric() {  # metric NAME{LABELS}: its value on /metrics
  curl -fsS "$URL/metrics" | awk -v m="$1" 'index($0, m" ") == 1 {print $2}'
}

# --- refusals -------------------------------------------------------------------------------------
expect_status 401 "$URL/api/v1/sources"
expect_status 401 -X POST -d "$(source_body a "$VCSIM_URL" x)" "$URL/api/v1/sources"
# The planner role, the highest below admin, neither sees nor makes sources.
expect_status 403 -b "$WORK/pia" "$URL/api/v1/sources"
expect_status 403 -b "$WORK/pia" -H "X-CSRF-Token: $pia_csrf" -H 'Content-Type: application/json' \
  -d "$(source_body a "$VCSIM_URL" x)" "$URL/api/v1/sources"
expect_status 403 -b "$WORK/pia" -H "X-CSRF-Token: $pia_csrf" -H 'Content-Type: application/json' \
  -d "$(source_body a "$VCSIM_URL" x)" "$URL/api/v1/sources/test"
[[ $(post /api/v1/sources '{"kind": "vcenter"}') == 400 ]] || fail "no name: $(cat "$WORK/reply.json")"
[[ $(post /api/v1/sources "$(source_body a ftp://x/sdk x)") == 400 ]] || fail "ftp url accepted"
[[ $(post /api/v1/sources "$(source_body a https://root:pw@vc/sdk x)") == 400 ]] ||
  fail "account in the url accepted"
[[ $(post /api/v1/sources "$(source_body a "$VCSIM_URL" x '{"ca_file": "/nonexistent.pem"}')") == 400 ]] ||
  fail "missing CA file accepted"
[[ $(post /api/v1/sources '{"kind": "hyperv", "name": "a", "url": "https://x/sdk", "username": "u", "password": "p"}') == 400 ]] ||
  fail "kind hyperv accepted"
[[ $(post /api/v1/sources '{"name": "a", "url": "https://x/sdk", "username": "u", "password": "p", "extra": 1}') == 400 ]] ||
  fail "unknown member accepted"
[[ $(post /api/v1/sources '[1, [2, [3]]]') == 400 ]] || fail "array body accepted"
ok "sources are for admins (401 without a token, 403 for the planner role); bad bodies are 400"

# --- test connection -------------------------------------------------------------------------------
[[ $(post /api/v1/sources/test "$(source_body lab "$VCSIM_URL" "$PASSWORD")") == 200 ]] || fail "test"
[[ $(json 'd["ok"]' <"$WORK/reply.json") == True ]] || fail "test: $(cat "$WORK/reply.json")"
grep -q 'VMware vCenter Server' "$WORK/reply.json" || fail "test: no about: $(cat "$WORK/reply.json")"
post /api/v1/sources/test "$(source_body lab "$VCSIM_URL" wrong)" >/dev/null
[[ $(json 'd["ok"], d["reason"]' <"$WORK/reply.json") == "(False, 'login')" ]] ||
  fail "test, wrong password: $(cat "$WORK/reply.json")"
[[ $(api /api/v1/sources | json 'len(d["sources"])') == 0 ]] || fail "test saved a source"
ok "POST /api/v1/sources/test logs in and out without saving: ok, or reason 'login'"

# --- discovery of 2,000 VMs ----------------------------------------------------------------------
[[ $(post /api/v1/sources "$(source_body lab "$VCSIM_URL" "$PASSWORD")") == 201 ]] ||
  fail "create: $(cat "$WORK/reply.json")"
id=$(json 'd["id"]' <"$WORK/reply.json")
[[ $(post /api/v1/sources "$(source_body lab "$VCSIM_URL" "$PASSWORD")") == 409 ]] || fail "same name twice"
started=$SECONDS
[[ $(wait_state "$id") == ok ]] || fail "first run: $(api "/api/v1/sources/$id")"
api "/api/v1/sources/$id" >"$WORK/source.json"
python3 - "$WORK/source.json" <<'PY' || fail "source: $(cat "$WORK/source.json")"
import json, sys
s = json.load(open(sys.argv[1]))
assert s["state"] == "ok" and s["last_run"]["vms"] == 2000 and s["last_run"]["hosts"] == 4, s
assert s["last_run"]["errors"] == [] and s["last_run"]["finished_at"] and s["next_run"], s
assert s["tls"] == {"insecure": True} and s["username"] == "reader" and "password" not in json.dumps(s)
PY
api /api/v1/fleet >"$WORK/fleet.json"
python3 - "$WORK/fleet.json" <<'PY' || fail "fleet"
import json, sys
hosts = [h for h in json.load(open(sys.argv[1]))["hosts"] if h["labels"].get("import.source", "").startswith("vcenter lab, ")]
assert len(hosts) == 2000, len(hosts)
h = hosts[0]
assert h["id"].startswith("vmware:") and h["cpu"]["cores"] >= 1 and h["memory_bytes"] > 0, h
assert h["labels"]["vmware.cluster"].startswith("DC0_C") and h["labels"]["vmware.datacenter"] == "DC0", h
assert h["labels"]["vmware.powerstate"] == "poweredOn" and h["labels"]["vmware.host"], h
assert len({x["id"] for x in hosts}) == 2000
PY
ok "a source made through the API discovers the simulator's 2,000 VMs into the fleet ($((SECONDS - started)) s)"

api /api/v1/plan >"$WORK/plan.json"
planned=$(python3 -c "
import json; p = json.load(open('$WORK/plan.json'))
print(sum(1 for h in p['hosts'] if h['id'].startswith('vmware:')))")
[[ $planned == 2000 ]] || fail "plan has $planned of the VMs"
ok "the plan includes the 2,000 VMs"

# --- performance history: the VMs sized on their samples ----------------------------------------
# wait_performance ID: waits for the source's performance run after its inventory; prints its state.
wait_performance() {
  local deadline=$((SECONDS + 900)) state
  while :; do
    state=$(api "/api/v1/sources/$1" | json '(d["performance"] or {}).get("state", "")')
    [[ $state == ok || $state == failed ]] && { echo "$state"; return; }
    ((SECONDS < deadline)) || fail "source $1 performance still '$state'"
    sleep 0.5
  done
}
started=$SECONDS
[[ $(wait_performance "$id") == ok ]] || fail "performance: $(api "/api/v1/sources/$id")"
perf_seconds=$((SECONDS - started))
api "/api/v1/sources/$id" | python3 -c "
import json, sys
p = json.load(sys.stdin)['performance']
assert p['vms'] == 2000 and p['entries'] > 2000 * 4 * 100 and p['next_run'], p
" || fail "performance status: $(api "/api/v1/sources/$id")"
[[ $(metric "sahab_collector_source_performance_runs_total{outcome=\"ok\",source=\"lab\"}") == 1 ]] ||
  fail "performance metric: $(curl -s "$URL/metrics" | grep source_perf)"
api /api/v1/plan >"$WORK/plan.json"
api /api/v1/fleet >"$WORK/fleet.json"
python3 - "$WORK/plan.json" "$WORK/fleet.json" <<'PY' || fail "plan on performance data"
import json, sys
plan = json.load(open(sys.argv[1]))
fleet = {h["id"]: h for h in json.load(open(sys.argv[2]))["hosts"]}
vms = [h for h in plan["hosts"] if h["id"].startswith("vmware:")]
assert len(vms) == 2000
coverages = []
for h in vms:
    u = fleet[h["id"]]["utilisation"]
    # A month of history at vCenter's levels, from vcenter. vcsim leaves zero values out of its
    # series, and a series shorter than its samples is left out: coverage varies from VM to VM.
    assert u["source"] == "vcenter" and u["samples"] > 0 and u["coverage"] > 0, u
    assert u["window_days"] == 30 and 0 < u["cpu_ratio"]["p95"] <= 1, u
    factors = {f["name"]: f for f in h["confidence_factors"]}
    # Not the import-only confidence: no "no utilisation data" (-4), no imported-source star lost.
    assert factors["source"]["value"] == "vcenter" and factors["source"]["effect"] == 0, factors
    assert factors["coverage"]["value"] != "no utilisation data", factors
    assert int(factors["data_points"]["value"]) == u["samples"], (factors, u)
    assert h["confidence"] >= 2, (h["id"], h["confidence"], factors)
    coverages.append(u["coverage"])
coverages.sort()
# The last 14 days (the raw retention) count at once; the older history once the maintenance has
# rolled it up into daily rollups (every 5 min): until then a VM's month is about half covered.
assert coverages[len(coverages) // 2] > 0.4, coverages[len(coverages) // 2]
assert sum(1 for h in vms if "memory_ratio" in fleet[h["id"]]["utilisation"]) > 1000
assert sum(1 for h in vms if "network_receive_bytes_per_second" in fleet[h["id"]]["utilisation"]) > 1000
print(f"median coverage {coverages[len(coverages) // 2]:.2f}, lowest {coverages[0]:.2f}", file=sys.stderr)
PY
api "/api/v1/hosts/$(python3 -c "import json; print([h for h in json.load(open('$WORK/fleet.json'))['hosts'] if h['id'].startswith('vmware:')][0]['id'])")/utilisation?metric=cpu_ratio" |
  python3 -c "
import json, sys
u = json.load(sys.stdin)
assert u['window']['count'] > 0 and u['window']['summaries'] > 0, u
" || fail "host utilisation API"
ok "a month of performance history read for the 2,000 VMs ($perf_seconds s): the plan sizes them on it (source vcenter, data points, more than the import-only confidence)"

[[ $(metric "sahab_collector_source_vms{source=\"lab\"}") == 2000 ]] || fail "vms metric: $(curl -s "$URL/metrics" | grep source_)"
[[ $(metric "sahab_collector_source_runs_total{outcome=\"ok\",source=\"lab\"}") == 1 ]] ||
  fail "runs metric: $(curl -s "$URL/metrics" | grep source_)"
ok "sahab_collector_source_* metrics: one ok run, 2000 VMs, run took $(metric "sahab_collector_source_run_duration_seconds{source=\"lab\"}") s"

# --- a second run changes nothing ---------------------------------------------------------------
before=$(sql "SELECT count(*), max(last_seen), (SELECT max(id) FROM audit_log) FROM hosts")
prev=$(started_of "$id")
[[ $(post "/api/v1/sources/$id/run" '') == 202 ]] || fail "run: $(cat "$WORK/reply.json")"
[[ $(wait_new_run "$id" "$prev") == ok ]] || fail "second run"
[[ $(metric "sahab_collector_source_runs_total{outcome=\"ok\",source=\"lab\"}") == 2 ]] || fail "no second run"
after=$(sql "SELECT count(*), max(last_seen), (SELECT max(id) FROM audit_log) FROM hosts")
[[ $before == "$after" ]] || fail "second run changed the fleet: $before -> $after"
ok "POST /api/v1/sources/{id}/run answers 202; a second run with nothing changed writes nothing"

# --- a VM destroyed in the simulator is marked gone ------------------------------------------------
read -r gone_id gone_moref < <(python3 -c "
import json; h = [h for h in json.load(open('$WORK/fleet.json'))['hosts'] if h['id'].startswith('vmware:')][7]
print(h['id'], h['labels']['vmware.moref'])")
vcsim_destroy_vm "$VCSIM_URL" reader "$PASSWORD" "$gone_moref"
prev=$(started_of "$id")
post "/api/v1/sources/$id/run" '' >/dev/null
[[ $(wait_new_run "$id" "$prev") == ok ]] || fail "run after destroy"
[[ $(api "/api/v1/sources/$id" | json 'd["last_run"]["vms"]') == 1999 ]] || fail "vms after destroy"
api /api/v1/fleet | python3 -c "
import json, sys
hosts = {h['id']: h for h in json.load(sys.stdin)['hosts']}
assert len([i for i in hosts if i.startswith('vmware:')]) == 2000
assert hosts['$gone_id']['labels'].get('vmware.gone') == 'true', hosts['$gone_id']
assert sum(1 for h in hosts.values() if h['labels'].get('vmware.gone')) == 1
" || fail "gone VM"
ok "a VM destroyed in vCenter stays in the fleet, labelled vmware.gone=true"

# --- failures: wrong password, unreachable, untrusted certificate ---------------------------------
fails() {  # fails NAME URL PASSWORD TLS REASON-TEXT
  [[ $(post /api/v1/sources "$(source_body "$1" "$2" "$3" "$4")") == 201 ]] || fail "create $1"
  local sid
  sid=$(json 'd["id"]' <"$WORK/reply.json")
  [[ $(wait_state "$sid") == failed ]] || fail "$1 did not fail"
  api "/api/v1/sources/$sid" | json 'd["last_run"]["errors"][0]' | grep -qi "$5" ||
    fail "$1: $(api "/api/v1/sources/$sid")"
}
fails wrong "$VCSIM_URL" not-the-password '{"insecure": true}' 'login'
fails down "http://127.0.0.1:$(free_port)/sdk" x '{}' 'connect'
fails untrusted "$VCSIM_URL" "$PASSWORD" '{}' 'TLS'
[[ $(metric "sahab_collector_source_errors_total{reason=\"login\",source=\"wrong\"}") == 1 ]] ||
  fail "login error metric"
[[ $(metric "sahab_collector_source_errors_total{reason=\"unreachable\",source=\"down\"}") == 1 ]] ||
  fail "unreachable error metric"
[[ $(metric "sahab_collector_source_errors_total{reason=\"tls\",source=\"untrusted\"}") == 1 ]] ||
  fail "tls error metric"
ok "wrong password, unreachable port, untrusted certificate: state failed with the reason, counted"

# --- the password is nowhere to be read ------------------------------------------------------------
! api /api/v1/sources | grep -q "$PASSWORD" || fail "password in GET /api/v1/sources"
! grep -q "$PASSWORD" "$WORK/collector.log" || fail "password in the collector's log"
! grep -aq "$PASSWORD" "$WORK"/sahab.db* || fail "password in clear in the database"
[[ $(stat -c %a "$WORK/sources.key") == 600 ]] || fail "key file mode $(stat -c %a "$WORK/sources.key")"
# PUT without a password keeps the stored one (the next run still logs in).
METHOD=PUT post "/api/v1/sources/$id" "{\"name\": \"lab\", \"url\": \"$VCSIM_URL\", \"username\": \"reader\", \"tls\": {\"insecure\": true}}" >/dev/null
prev=$(started_of "$id")
post "/api/v1/sources/$id/run" '' >/dev/null
[[ $(wait_new_run "$id" "$prev") == ok ]] || fail "run after PUT"
ok "the password is in no answer, not in the log, sealed in the database; key file 0600; PUT keeps it"

expect_status 200 -H "$API_AUTH" -X DELETE "$URL/api/v1/sources/$id"
expect_status 404 -H "$API_AUTH" "$URL/api/v1/sources/$id"
[[ $(api /api/v1/fleet | json 'sum(1 for h in d["hosts"] if h["id"].startswith("vmware:"))') == 2000 ]] ||
  fail "deleting the source deleted hosts"
ok "DELETE /api/v1/sources/{id} removes the source, its hosts stay"
# --- a standalone ESXi host speaks the same API ---------------------------------------------------
start_vcsim esx -esx
[[ $(post /api/v1/sources "$(source_body esx "$VCSIM_URL" any)") == 201 ]] || fail "create esx"
esx_id=$(json 'd["id"]' <"$WORK/reply.json")
[[ $(wait_state "$esx_id") == ok ]] || fail "esx: $(api "/api/v1/sources/$esx_id")"
api /api/v1/fleet | python3 -c "
import json, sys
vms = [h for h in json.load(sys.stdin)['hosts'] if h['labels'].get('import.source', '').startswith('vcenter esx, ')]
assert len(vms) == 2 and all(v['labels']['vmware.esxi'].startswith('VMware ESXi') for v in vms), vms
" || fail "esx VMs"
ok "a standalone ESXi host (vcsim -esx) is read the same way: its VMs, labelled with the host's version"
# --- a run under way when the collector stops is cancelled, not waited for -------------------------
start_vcsim slow -tls=false -method-delay 'RetrievePropertiesEx:120000'
[[ $(post /api/v1/sources "$(source_body slow "$VCSIM_URL" x '{}')") == 201 ]] || fail "create slow"
slow_id=$(json 'd["id"]' <"$WORK/reply.json")
deadline=$((SECONDS + 30))
until [[ $(api "/api/v1/sources/$slow_id" | json 'd["state"]') == running ]]; do
  ((SECONDS < deadline)) || fail "slow source never running"
  sleep 0.2
done
sleep 1
stop_started=$SECONDS
kill -TERM "$COLLECTOR_PID"
wait "$COLLECTOR_PID" || fail "collector exit status $?"
((SECONDS - stop_started < 10)) || fail "the collector took $((SECONDS - stop_started)) s to stop"
grep -q 'source .* (slow): run failed (cancelled)' "$WORK/collector.log" || fail "no cancelled run logged"
[[ $(sql "SELECT state FROM sources WHERE id = $slow_id") == failed ]] || fail "slow source not failed"
ok "a run under way when the collector stops is cancelled: the collector exits at once, the run failed"
echo "$passed passed, 0 failed"
