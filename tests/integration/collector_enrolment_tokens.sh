#!/usr/bin/env bash
# Enrolment tokens kept in the database: an admin makes one (session + CSRF, or the bearer token),
# an agent enrols with it, revoked or expired ones are refused, viewers cannot see or make them,
# and the token is never listed, logged or stored in clear.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"

viewer_hash="$(echo 'viewer-password-1' | "$COLLECTOR" hash-password)"
admin_hash="$(echo 'admin-password-1' | "$COLLECTOR" hash-password)"
start_collector --ui.user "vera:viewer:$viewer_hash" --ui.user "ada:admin:$admin_hash"
vera_csrf="$(login vera viewer-password-1 "$WORK/vera")"
ada_csrf="$(login ada admin-password-1 "$WORK/ada")"
as_ada=(-b "$WORK/ada" -H "X-CSRF-Token: $ada_csrf" -H 'Content-Type: application/json')
enrol() {  # enrol TOKEN HOST: prints the status
  curl -s -o "$WORK/enrol.json" -w '%{http_code}' -H "Authorization: Bearer $1" \
    -H 'Content-Type: application/json' -d "{\"host_id\":\"$2\",\"hostname\":\"$2\"}" "$URL/api/v1/enrol"
}

# A viewer neither sees nor makes tokens, even with its CSRF token; an admin needs the CSRF token.
expect_status 403 -b "$WORK/vera" "$URL/api/v1/enrolment-tokens"
expect_status 403 -b "$WORK/vera" -H "X-CSRF-Token: $vera_csrf" -H 'Content-Type: application/json' \
  -d '{"name":"x"}' "$URL/api/v1/enrolment-tokens"
expect_status 403 -b "$WORK/ada" -H 'Content-Type: application/json' -d '{"name":"x"}' "$URL/api/v1/enrolment-tokens"
expect_status 401 "$URL/api/v1/enrolment-tokens"
expect_status 200 -b "$WORK/ada" "$URL/api/v1/enrolment-tokens"
ok "only admins see and make enrolment tokens (viewer 403, no CSRF 403, nobody 401)"

for bad in '' 'not json' '{"name":""}' '{"name":42}' '{"name":"x","expires_in":"soon"}' \
  '{"name":"x","expires_in":"1s"}' '{"name":"x","expires_in":"400d"}' \
  "{\"name\":\"$(head -c 200 /dev/zero | tr '\0' a)\"}"; do
  expect_status 400 "${as_ada[@]}" -d "$bad" "$URL/api/v1/enrolment-tokens"
done
ok "bad names and lifetimes are refused"

curl -fsS -D "$WORK/create.headers" "${as_ada[@]}" -d '{"name":"Agadir batch","expires_in":"7d"}' \
  "$URL/api/v1/enrolment-tokens" >"$WORK/created.json"
token="$(json 'd["token"]' <"$WORK/created.json")"
id="$(json 'd["id"]' <"$WORK/created.json")"
[[ ${#token} == 64 && "$(json 'd["created_by"]' <"$WORK/created.json")" == ada ]] || fail "created: $(cat "$WORK/created.json")"
grep -qi '^cache-control: no-store' "$WORK/create.headers" || fail "the token answer may be cached"
api /api/v1/enrolment-tokens >"$WORK/list.json"
[[ "$(json '[(t["name"], t["state"], t["created_by"]) for t in d["tokens"]]' <"$WORK/list.json")" == "[('Agadir batch', 'live', 'ada')]" ]] ||
  fail "list: $(cat "$WORK/list.json")"
! grep -q "$token" "$WORK/list.json" || fail "the list shows the token"
ok "an admin makes a token (shown once, not cacheable); the list names it without the secret"

[[ $(enrol "$token" db-01) == 201 ]] || fail "enrol with the token: $(cat "$WORK/enrol.json")"
cred="$(json 'd["credential"]' <"$WORK/enrol.json")"
[[ $(enrol "$(cat "$ENROL_TOKEN_FILE")" db-02) == 201 ]] || fail "the token file stopped working"
[[ $(enrol "${token}x" db-03) == 401 ]] || fail "a wrong token enrolled"
python3 "$PUSH" doc db-01 1 >"$WORK/doc.json"
[[ $(ingest "$cred" "$WORK/doc.json") == 200 ]] || fail "push after enrolling with a stored token"
[[ "$(api /api/v1/enrolment-tokens | json 'd["tokens"][0]["uses"]')" == 1 ]] || fail "use not counted"
ok "an agent enrols with a stored token and pushes; the token file still works; uses are counted"

expect_status 403 -b "$WORK/vera" -H "X-CSRF-Token: $vera_csrf" -X DELETE "$URL/api/v1/enrolment-tokens/$id"
expect_status 404 "${as_ada[@]}" -X DELETE "$URL/api/v1/enrolment-tokens/999"
expect_status 404 "${as_ada[@]}" -X DELETE "$URL/api/v1/enrolment-tokens/abc"
expect_status 200 "${as_ada[@]}" -X DELETE "$URL/api/v1/enrolment-tokens/$id"
[[ $(enrol "$token" db-04) == 401 ]] || fail "a revoked token enrolled"
[[ "$(api /api/v1/enrolment-tokens | json 'd["tokens"][0]["state"]')" == revoked ]] || fail "not revoked"
ok "a revoked token is refused (401); viewers cannot revoke"

# Expiry: a token made through the bearer token, then aged in the database.
curl -fsS -H "$API_AUTH" -H 'Content-Type: application/json' -d '{"name":"short","expires_in":"1h"}' \
  "$URL/api/v1/enrolment-tokens" >"$WORK/short.json"
short="$(json 'd["token"]' <"$WORK/short.json")"
[[ "$(json 'd["created_by"]' <"$WORK/short.json")" == api-token ]] || fail "actor: $(cat "$WORK/short.json")"
[[ $(enrol "$short" db-05) == 201 ]] || fail "a fresh token was refused"
python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1], timeout=10); c.execute('UPDATE enrolment_tokens SET expires_at = strftime(\"%s\",\"now\") - 1 WHERE name = \"short\"'); c.commit()" "$WORK/sahab.db"
[[ $(enrol "$short" db-06) == 401 ]] || fail "an expired token enrolled"
[[ "$(api /api/v1/enrolment-tokens | json 'd["tokens"][1]["state"]')" == expired ]] || fail "not expired"
ok "an expired token is refused (401) and listed as expired"

for secret in "$token" "$short"; do
  ! grep -q "$secret" "$WORK/collector.log" || fail "a token is in the log"
  ! grep -qa "$secret" "$WORK/sahab.db" "$WORK/sahab.db-wal" 2>/dev/null || fail "a token is stored in clear"
done
[[ "$(sql "SELECT count(*) FROM audit_log WHERE action LIKE 'enrolment_token_%'")" == 3 ]] || fail "audit"
ok "tokens are never logged or stored in clear; creations and revocations are audited"
echo "$passed passed, 0 failed"
