#!/usr/bin/env bash
# Issue #14, item 6: the enrolment token alone must not take over a host that already has a live
# credential, nor silently turn an imported host into an agent host. Re-enrolment without the
# current credential becomes a pending request (202) that an administrator approves or rejects;
# with the current credential (X-Sahab-Credential) it rotates it. Every step is audited. Then the
# real agent: a second agent claiming the same host id waits (logged once), and collects its
# credential after the approval.
source "$(dirname "$0")/../integration/lib.sh"
source "$(dirname "$0")/../integration/collector_lib.sh"
TOKEN="$(cat "$ENROL_TOKEN_FILE")"

# enrol HOST [SECRET] [CURRENT CREDENTIAL]: POST /api/v1/enrol; prints the status, the answer in
# $WORK/enrol.json.
enrol() {
  local body="{\"host_id\":\"$1\",\"hostname\":\"srv-$1\"${2:+,\"request_secret\":\"$2\"}}"
  local extra=()
  [[ -n "${3:-}" ]] && extra=(-H "X-Sahab-Credential: $3")
  curl -s -o "$WORK/enrol.json" -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' "${extra[@]}" -d "$body" "$URL/api/v1/enrol"
}
credential() { json 'd["credential"]' <"$WORK/enrol.json"; }
SEQ=0
push() {  # push HOST CRED: prints the status of a one-summary batch
  SEQ=$((SEQ + 1))
  python3 "$PUSH" doc "$1" "$SEQ" >"$WORK/batch.json"
  ingest "$2" "$WORK/batch.json"
}
admin_post() {  # admin_post PATH: prints the status
  curl -s -o "$WORK/admin.json" -w '%{http_code}' -X POST -H "$API_AUTH" "$URL$1"
}
audited() { sql "SELECT count(*) FROM audit_log WHERE action = '$1' AND host_id = '$2'"; }

start_collector

# --- host A: enrolled, then claimed again with the enrolment token only.
[[ $(enrol host-a) == 201 ]] || fail "first enrolment: $(cat "$WORK/enrol.json")"
cred_a1="$(credential)"
[[ $(push host-a "$cred_a1") == 200 ]] || fail "first push: $(cat "$WORK/reply.json")"
[[ $(enrol host-a) == 409 ]] || fail "re-enrolment without credential or request_secret: $(cat "$WORK/enrol.json")"
secret_1="req-$RANDOM-$RANDOM-0123456789abcdef"
[[ $(enrol host-a "$secret_1") == 202 ]] || fail "re-enrolment with the token only: $(cat "$WORK/enrol.json")"
json 'd["status"] == "pending" and "credential" not in d and d["host_id"] == "host-a"' <"$WORK/enrol.json" | grep -qx True ||
  fail "pending answer: $(cat "$WORK/enrol.json")"
request_1="$(json 'd["request_id"]' <"$WORK/enrol.json")"
[[ $(push host-a "$cred_a1") == 200 ]] || fail "the original credential stopped pushing"
[[ "$(sql "SELECT count(*) FROM agents WHERE host_id = 'host-a'")" == 1 ]] || fail "a credential was issued for the pending request"
[[ $(enrol host-a "$secret_1") == 202 ]] || fail "retry before approval: $(cat "$WORK/enrol.json")"
ok "re-enrolling host-a with the token only: 409 without request_secret, 202 pending with it; no credential issued, the original still pushes"

expect_status 401 "$URL/api/v1/enrolments/pending"
expect_status 401 -X POST "$URL/api/v1/enrolments/$request_1/approve"
expect_status 401 -X POST -H "Authorization: Bearer $TOKEN" "$URL/api/v1/enrolments/$request_1/approve"
api /api/v1/enrolments/pending >"$WORK/pending.json"
json '[(r["id"], r["host_id"], r["reason"], r["state"], r["attempts"], r["requested_from"]) for r in d["requests"]]' <"$WORK/pending.json" |
  grep -qx "\[($request_1, 'host-a', 'host_enrolled', 'pending', 2, '127.0.0.1')\]" || fail "pending list: $(cat "$WORK/pending.json")"
ok "GET /api/v1/enrolments/pending lists the request for admins only; the enrolment token cannot approve"

[[ $(admin_post "/api/v1/enrolments/$request_1/approve") == 200 ]] || fail "approve: $(cat "$WORK/admin.json")"
[[ $(admin_post "/api/v1/enrolments/$request_1/approve") == 409 ]] || fail "approved twice"
[[ $(admin_post "/api/v1/enrolments/999/approve") == 404 ]] || fail "unknown request"
[[ $(admin_post "/api/v1/enrolments/$request_1/frobnicate") == 404 ]] || fail "unknown verb"
[[ $(enrol host-a "wrong-secret-0123456789") == 202 ]] || fail "another secret collected the approval: $(cat "$WORK/enrol.json")"
request_other="$(json 'd["request_id"]' <"$WORK/enrol.json")"
[[ $(enrol host-a "$secret_1") == 201 ]] || fail "retry after approval: $(cat "$WORK/enrol.json")"
cred_a2="$(credential)"
[[ $(push host-a "$cred_a1") == 401 ]] || fail "the replaced credential still pushes"
[[ $(push host-a "$cred_a2") == 200 ]] || fail "the approved credential cannot push: $(cat "$WORK/reply.json")"
[[ $(enrol host-a "$secret_1") == 409 ]] || fail "an approval collected twice: $(cat "$WORK/enrol.json")"
ok "after approval the same request_secret collects a credential (201) once; the old credential gets 401"

[[ $(enrol host-a "" "$cred_a1") == 409 ]] || fail "a revoked credential rotated: $(cat "$WORK/enrol.json")"
[[ $(enrol host-a "" "$cred_a2") == 201 ]] || fail "rotation: $(cat "$WORK/enrol.json")"
cred_a3="$(credential)"
[[ $(push host-a "$cred_a2") == 401 ]] || fail "the rotated credential still pushes"
[[ $(push host-a "$cred_a3") == 200 ]] || fail "the new credential cannot push"
ok "re-enrolling with the current credential (X-Sahab-Credential) rotates it: 201, the old one gets 401"

[[ $(admin_post "/api/v1/enrolments/$request_other/reject") == 200 ]] || fail "reject: $(cat "$WORK/admin.json")"
[[ $(enrol host-a "wrong-secret-0123456789") == 403 ]] || fail "rejected request: $(cat "$WORK/enrol.json")"
[[ $(admin_post "/api/v1/enrolments/$request_other/approve") == 409 ]] || fail "a rejected request was approved"
[[ $(push host-a "$cred_a3") == 200 ]] || fail "the rejection touched the live credential"
[[ "$(api /api/v1/enrolments/pending | json 'len(d["requests"])')" == 0 ]] || fail "decided requests still listed"
ok "a rejected request answers 403 and stays rejected"

# --- host B: imported, then claimed by an agent.
cat >"$WORK/fleet.json" <<'JSON'
{"format": "sahab-fleet/1", "hosts": [{"id": "host-b", "hostname": "srv-imported-b", "labels": {"commune": "Agadir"}},
                                      {"id": "host-c", "hostname": "srv-imported-c"}]}
JSON
curl -fsS -H "$API_AUTH" -H 'Content-Type: application/json' --data-binary @"$WORK/fleet.json" "$URL/api/v1/import" >/dev/null
secret_b="req-b-$RANDOM-0123456789abcdef"
[[ $(enrol host-b) == 409 ]] || fail "imported host without request_secret: $(cat "$WORK/enrol.json")"
[[ $(enrol host-b "$secret_b") == 202 ]] || fail "enrolment under an imported host: $(cat "$WORK/enrol.json")"
request_b="$(json 'd["request_id"]' <"$WORK/enrol.json")"
[[ "$(api /api/v1/hosts/host-b | json 'd["source"], d["hostname"]')" == "('import', 'srv-imported-b')" ]] ||
  fail "the imported host changed: $(api /api/v1/hosts/host-b)"
api /api/v1/enrolments/pending | json '[r["reason"] for r in d["requests"]]' | grep -qx "\['imported_host'\]" || fail "reason"
[[ $(admin_post "/api/v1/enrolments/$request_b/approve") == 200 ]] || fail "approve b"
[[ $(enrol host-b "$secret_b") == 201 ]] || fail "collect b: $(cat "$WORK/enrol.json")"
[[ "$(api /api/v1/hosts/host-b | json 'd["source"]')" == agent ]] || fail "host-b not linked after approval"
ok "an agent claiming an imported host waits for approval (host stays source=import), then is linked"

kill "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null || true
start_collector --enrolment.link-imported-hosts
[[ $(enrol host-c) == 201 ]] || fail "link-imported-hosts: $(cat "$WORK/enrol.json")"
[[ "$(api /api/v1/hosts/host-c | json 'd["source"]')" == agent ]] || fail "host-c not linked"
[[ $(enrol host-a "another-secret-0123456789") == 202 ]] || fail "the link setting opened enrolled hosts: $(cat "$WORK/enrol.json")"
ok "with --enrolment.link-imported-hosts an imported host is linked at once (201); enrolled hosts still need approval"

for row in "enrol host-a" "enrol_pending host-a" "enrol_approve host-a" "enrol_reject host-a" "rotate host-a" \
           "revoke host-a" "enrol_pending host-b" "enrol_approve host-b" "link_imported host-b" "link_imported host-c"; do
  read -r action host <<<"$row"
  (( $(audited "$action" "$host") >= 1 )) || fail "no audit row '$action' for $host"
done
[[ "$(audited enrol_pending host-a)" == 3 ]] || fail "pending requests of host-a audited $(audited enrol_pending host-a) times (retries must not be)"
[[ "$(sql "SELECT actor FROM audit_log WHERE action = 'enrol_approve' LIMIT 1")" == api-token ]] || fail "approver not audited"
! grep -q "$cred_a1\|$cred_a2\|$cred_a3\|$secret_1" "$WORK/collector.log" || fail "a credential or request secret in the log"
ok "audit rows for enrol, pending, approve, reject, rotate, revoke and link; no secret in the log"

# --- the real agent: a second agent with the same host id (same fixture machine) waits.
FIX="$SAHAB_FIXTURES_DIR/agent/default"
run_agent() {  # run_agent NAME
  local port
  port=$(free_port)
  start "$1" "$BIN_DIR/sahab-agent" --path.procfs "$FIX/proc" --path.sysfs "$FIX/sys" --path.rootfs "$FIX/root" \
    --web.listen-address "127.0.0.1:$port" --collector.url "$URL" --enrolment-token-file "$ENROL_TOKEN_FILE" \
    --state.dir "$WORK/$1" --spool.dir "$WORK/$1/spool" --sample.interval 100ms --report.interval 300ms
  wait_http "http://127.0.0.1:$port/healthz" 30
}
until_true() { local deadline=$((SECONDS + $1)); shift; until "$@"; do (( SECONDS < deadline )) || fail "timed out: $*"; sleep 0.2; done; }
run_agent agent1
until_true 30 test -s "$WORK/agent1/credential"
run_agent agent2
until_true 30 grep -q "an administrator must approve enrolment request" "$WORK/agent2.log"
sleep 2  # several report intervals
[[ "$(grep -c "an administrator must approve" "$WORK/agent2.log")" == 1 ]] || fail "the pending state is logged more than once"
[[ ! -e "$WORK/agent2/credential" && -s "$WORK/agent2/enrolment-request" ]] || fail "agent2 state: $(ls -la "$WORK/agent2")"
[[ "$(stat -c %a "$WORK/agent2/enrolment-request")" == 600 ]] || fail "request secret readable by others"
pending_id="$(api /api/v1/enrolments/pending | json '[r["id"] for r in d["requests"] if r["host_id"] != "host-a"][0]')"
[[ $(admin_post "/api/v1/enrolments/$pending_id/approve") == 200 ]] || fail "approve agent2"
until_true 30 test -s "$WORK/agent2/credential"
[[ ! -e "$WORK/agent2/enrolment-request" ]] || fail "the request secret outlived the enrolment"
ok "the real agent: 202 logged once, request secret kept 0600, credential collected after approval"
echo "$passed passed, 0 failed"
