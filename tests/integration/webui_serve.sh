#!/usr/bin/env bash
# The web UI served by a real sahab-collector: the shell with its security headers, the hashed
# assets it names, 404 for anything else, path traversal refused.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"

start_collector
curl -fsS -D "$WORK/index.headers" -o "$WORK/index.html" "$URL/"
header() { grep -i "^$1:" "$2" | cut -d: -f2- | tr -d '\r' | sed 's/^ //'; }
[[ "$(header content-type "$WORK/index.headers")" == "text/html; charset=utf-8" ]] || fail "index type"
csp="$(header content-security-policy "$WORK/index.headers")"
[[ "$csp" == *"script-src 'self'"* && "$csp" == *"frame-ancestors 'none'"* ]] || fail "CSP: $csp"
[[ "$csp" != *unsafe-inline* ]] || fail "CSP allows inline code: $csp"
[[ "$(header x-content-type-options "$WORK/index.headers")" == nosniff ]] || fail "nosniff"
[[ "$(header cache-control "$WORK/index.headers")" == no-cache ]] || fail "index cache"
grep -q '<html lang="fr">' "$WORK/index.html" || fail "the shell is not the French page"
ok "GET / is the shell with CSP, nosniff and no-cache"

script="$(grep -o 'assets/app-[A-Z0-9]*\.js' "$WORK/index.html")"
style="$(grep -o 'assets/app-[A-Z0-9]*\.css' "$WORK/index.html")"
curl -fsS -D "$WORK/js.headers" -o "$WORK/app.js" "$URL/$script"
[[ "$(header content-type "$WORK/js.headers")" == "text/javascript; charset=utf-8" ]] || fail "js type"
[[ "$(header cache-control "$WORK/js.headers")" == *immutable* ]] || fail "js not immutable"
[[ $(stat -c %s "$WORK/app.js") -gt 1000 ]] || fail "the script is too small"
curl -fsS -D "$WORK/css.headers" -o /dev/null "$URL/$style"
[[ "$(header content-type "$WORK/css.headers")" == "text/css; charset=utf-8" ]] || fail "css type"
ok "the hashed script and stylesheet the shell names are served, immutable"

for path in /assets/app-NOTTHERE.js /assets/ /index.html /favicon.ico /assets/x/../../index.html; do
  expect_status 404 --path-as-is "$URL$path"
done
ok "unknown assets are 404"

for path in /assets/../../../../etc/passwd /assets/%2e%2e/%2e%2e/etc/passwd \
  /assets/..%2f..%2fetc%2fpasswd /../../etc/passwd /assets/%2e%2e%2fsahab.db; do
  code="$(curl -s --path-as-is -o "$WORK/traversal" -w '%{http_code}' "$URL$path")"
  [[ "$code" != 200 ]] || fail "$path answered 200"
  ! grep -q 'root:' "$WORK/traversal" || fail "$path leaked /etc/passwd"
done
ok "path traversal is refused"

# The API keeps its own rules: no token, no data, even though the UI is public.
expect_status 401 "$URL/api/v1/hosts"
expect_status 200 -H "$API_AUTH" "$URL/api/v1/hosts"
ok "the API still needs its bearer token"

echo "$passed passed, 0 failed"
