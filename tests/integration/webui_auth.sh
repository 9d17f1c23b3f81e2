#!/usr/bin/env bash
# Web UI sign-in on a real collector: hashed passwords, session cookie flags, roles, CSRF, logout;
# the bearer token keeps working for scripts.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"

echo "short" | "$COLLECTOR" hash-password 2>/dev/null && fail "a short password was hashed"
viewer_hash="$(echo 'viewer-password-1' | "$COLLECTOR" hash-password)"
admin_hash="$(echo 'admin-password-1' | "$COLLECTOR" hash-password)"
[[ "$viewer_hash" == scrypt\$* ]] || fail "hash: $viewer_hash"
ok "hash-password prints scrypt hashes and refuses short passwords"

# A bad user entry stops the collector at start-up, naming the problem.
code=0
"$COLLECTOR" --db "$WORK/x.db" --listen 127.0.0.1:0 --ui.user "vera:root:$viewer_hash" \
  >"$WORK/bad.log" 2>&1 || code=$?
[[ $code == 2 ]] && grep -q 'viewer, planner or admin' "$WORK/bad.log" || fail "bad role accepted"
ok "an unknown role is a configuration error"

start_collector --ui.user "vera:viewer:$viewer_hash" --ui.user "ada:admin:$admin_hash"
login() {  # login USER PASSWORD JAR: prints the status; the reply is in $WORK/login.json
  curl -s -o "$WORK/login.json" -D "$WORK/login.headers" -w '%{http_code}' -c "$3" \
    -H 'Content-Type: application/json' -d "{\"user\":\"$1\",\"password\":\"$2\"}" "$URL/api/v1/login"
}
[[ $(login vera wrong-password "$WORK/none") == 401 ]] || fail "wrong password accepted"
[[ $(login nobody viewer-password-1 "$WORK/none") == 401 ]] || fail "unknown user accepted"
expect_status 415 -d '{"user":"vera","password":"viewer-password-1"}' "$URL/api/v1/login"
expect_status 400 -H 'Content-Type: application/json' -d '{"user":1}' "$URL/api/v1/login"
expect_status 400 -H 'Content-Type: application/json' -d 'not json' "$URL/api/v1/login"
ok "wrong passwords, unknown users, forms and malformed bodies are refused"

[[ $(login vera viewer-password-1 "$WORK/vera") == 200 ]] || fail "viewer sign-in"
grep -i '^set-cookie:' "$WORK/login.headers" | grep -q 'HttpOnly; SameSite=Strict' ||
  fail "cookie flags: $(grep -i set-cookie "$WORK/login.headers")"
vera_csrf="$(json 'd["csrf_token"]' <"$WORK/login.json")"
expect_status 200 -b "$WORK/vera" "$URL/api/v1/hosts"
expect_status 200 -b "$WORK/vera" "$URL/api/v1/session"
ok "a viewer signs in with an HttpOnly SameSite=Strict cookie and reads the API"

import=(-H 'Content-Type: application/json' -d '{"format":"sahab-fleet/1","hosts":[]}' "$URL/api/v1/import")
expect_status 403 -b "$WORK/vera" -H "X-CSRF-Token: $vera_csrf" "${import[@]}"
[[ $(login ada admin-password-1 "$WORK/ada") == 200 ]] || fail "admin sign-in"
ada_csrf="$(json 'd["csrf_token"]' <"$WORK/login.json")"
expect_status 403 -b "$WORK/ada" "${import[@]}"
expect_status 403 -b "$WORK/ada" -H "X-CSRF-Token: $vera_csrf" "${import[@]}"
expect_status 200 -b "$WORK/ada" -H "X-CSRF-Token: $ada_csrf" "${import[@]}"
ok "writes need the admin role and the session's CSRF token"

expect_status 401 -b "sahab_session=forged" "$URL/api/v1/hosts"
expect_status 200 -b "sahab_session=forged" -H "$API_AUTH" "$URL/api/v1/hosts"
expect_status 401 "$URL/api/v1/hosts"
ok "a forged cookie is refused; the bearer token still works"

# Each user's language (issue 20): kept per user, refused when not a menu language or not JSON
# of the expected shape, only with the session's CSRF token, not for the API token (no user).
prefs="$URL/api/v1/me/preferences"
put_language() {  # put_language JAR CSRF BODY: prints the status; the reply in $WORK/prefs.json
  curl -s -o "$WORK/prefs.json" -w '%{http_code}' -X PUT -b "$1" -H "X-CSRF-Token: $2" \
    -H 'Content-Type: application/json' -d "$3" "$prefs"
}
[[ "$(curl -fsS -b "$WORK/vera" "$prefs")" == '{"language":null}' ]] || fail "a new user has a language"
[[ $(put_language "$WORK/vera" "$vera_csrf" '{"language":"ar"}') == 200 ]] || fail "viewer sets Arabic"
[[ "$(curl -fsS -b "$WORK/vera" "$prefs")" == '{"language":"ar"}' ]] || fail "Arabic not kept"
[[ "$(curl -fsS -b "$WORK/ada" "$prefs")" == '{"language":null}' ]] || fail "one user's language leaked to another"
[[ $(put_language "$WORK/vera" "$vera_csrf" '{"language":"ar-MA"}') == 400 ]] || fail "ar-MA accepted"
grep -q '"code":"parameter_choice"' "$WORK/prefs.json" && grep -q 'fr, ar, en, zgh' "$WORK/prefs.json" ||
  fail "the refusal names the choices: $(cat "$WORK/prefs.json")"
[[ $(put_language "$WORK/vera" "$vera_csrf" '{"language":1}') == 400 ]] || fail "a number accepted"
[[ $(put_language "$WORK/vera" "$vera_csrf" '{"language":"fr","theme":"dark"}') == 400 ]] || fail "an unknown key accepted"
[[ $(put_language "$WORK/vera" "$vera_csrf" '["ar"]') == 400 ]] || fail "a list accepted"
[[ $(put_language "$WORK/vera" "$vera_csrf" "{\"language\":\"$(head -c 70000 /dev/zero | tr '\0' a)\"}") == 413 ]] ||
  fail "a 70 KB body accepted"
[[ $(put_language "$WORK/vera" "" '{"language":"en"}') == 403 ]] || fail "no CSRF token accepted"
expect_status 400 -H "$API_AUTH" "$prefs"
[[ $(put_language "$WORK/ada" "$ada_csrf" '{"language":"zgh"}') == 200 ]] || fail "admin sets Amazigh"
[[ "$(curl -fsS -b "$WORK/vera" "$prefs")" == '{"language":"ar"}' ]] || fail "a refused write changed the language"
ok "each user's language is kept (GET/PUT /api/v1/me/preferences); bad codes, shapes, sizes, no CSRF and the API token are refused"

expect_status 403 -b "$WORK/vera" -X POST "$URL/api/v1/logout"
expect_status 200 -b "$WORK/vera" -H "X-CSRF-Token: $vera_csrf" -X POST "$URL/api/v1/logout"
expect_status 401 -b "$WORK/vera" "$URL/api/v1/hosts"
expect_status 200 -b "$WORK/ada" "$URL/api/v1/hosts"
ok "logout (with CSRF) ends that session only"

echo "$passed passed, 0 failed"
