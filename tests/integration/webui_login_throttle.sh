#!/usr/bin/env bash
# Web UI sign-in throttling on a real collector behind a (simulated) trusted proxy: repeated wrong
# passwords for one user get 429 with Retry-After, whether the user exists or not; other users
# still sign in; one client address guessing many names is throttled too; the failures are logged
# without the password and counted on /metrics.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"

vera_hash="$(echo 'vera-password-1' | "$COLLECTOR" hash-password)"
ada_hash="$(echo 'ada-password-1' | "$COLLECTOR" hash-password)"
# The test's requests all come from 127.0.0.1, declared a trusted proxy: X-Real-IP tells clients
# apart, as nginx's would.
start_collector --ui.user "vera:viewer:$vera_hash" --ui.user "ada:admin:$ada_hash" \
  --http.trusted-proxy 127.0.0.1 --ui.login.max-failures 3 \
  --ui.login.max-failures-per-address 6 --ui.login.lockout 2m
login() {  # login USER PASSWORD CLIENT: prints the status; headers in $WORK/login.headers
  curl -s -o "$WORK/login.json" -D "$WORK/login.headers" -w '%{http_code}' \
    -H 'Content-Type: application/json' -H "X-Real-IP: $3" \
    -d "{\"user\":\"$1\",\"password\":\"$2\"}" "$URL/api/v1/login"
}
retry_after() { tr -d '\r' <"$WORK/login.headers" | sed -n 's/^[Rr]etry-[Aa]fter: //p'; }

for i in 1 2 3; do
  [[ $(login vera "guess-$i" 10.0.0.1) == 401 ]] || fail "wrong password $i not 401"
done
[[ $(login vera "guess-4" 10.0.0.1) == 429 ]] || fail "4th attempt not throttled"
[[ $(retry_after) == 120 ]] || fail "Retry-After: '$(retry_after)'"
[[ $(login vera vera-password-1 10.0.0.2) == 429 ]] || fail "a locked user signed in from elsewhere"
refusal_for_vera="$(cat "$WORK/login.json")"
ok "three wrong passwords lock the user name (429, Retry-After 120) from any address"

for i in 1 2 3; do login nobody "guess-$i" 10.0.0.3 >/dev/null; done
[[ $(login nobody "guess-4" 10.0.0.3) == 429 ]] || fail "unknown user not throttled"
[[ "$(cat "$WORK/login.json")" == "$refusal_for_vera" ]] || fail "the refusal tells users apart"
ok "an unknown user name is throttled with the same answer"

[[ $(login ada ada-password-1 10.0.0.4) == 200 ]] || fail "another user cannot sign in"
ok "another user still signs in"

# One address guessing a different name each time: 6 failures (the address's allowance), then 429
# even for a real user's right password from that address.
for i in 1 2 3 4 5 6; do
  [[ $(login "user$i" wrong 10.0.0.5) == 401 ]] || fail "sprayed name $i not 401"
done
[[ $(login ada ada-password-1 10.0.0.5) == 429 ]] || fail "address not throttled"
[[ $(login ada ada-password-1 10.0.0.6) == 200 ]] || fail "ada locked out by another address"
ok "an address spraying user names is throttled; other addresses are not"

# A success resets the user's count: two failures, a success, two failures, still no 429.
for password in wrong wrong ada-password-1 wrong wrong; do login ada "$password" 10.0.0.7 >/dev/null; done
[[ $(login ada ada-password-1 10.0.0.8) == 200 ]] || fail "a success did not reset the count"
ok "a successful sign-in resets the user name's failures"

curl -fsS "$URL/metrics" >"$WORK/metrics.txt"
grep -qx 'sahab_collector_ui_login_failures_total{reason="bad_credentials"} 16' "$WORK/metrics.txt" ||
  fail "bad credentials count: $(grep login_failures "$WORK/metrics.txt")"
grep -qx 'sahab_collector_ui_login_failures_total{reason="throttled"} 4' "$WORK/metrics.txt" ||
  fail "throttled count: $(grep login_failures "$WORK/metrics.txt")"
grep -q "sign-in refused for user 'vera' from 10.0.0.1" "$WORK/collector.log" ||
  fail "failure not logged with user and client address"
grep -q "sign-in throttled for user 'nobody' from 10.0.0.3" "$WORK/collector.log" ||
  fail "throttling not logged"
if grep -q 'guess-' "$WORK/collector.log"; then fail "a password reached the log"; fi
ok "refusals are counted on /metrics and logged with user and address, never the password"

echo "$passed passed, 0 failed"
