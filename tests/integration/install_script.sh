#!/usr/bin/env bash
# The agent install script (packaging/install.sh) served by a real collector on loopback with the
# real packages in its downloads_dir, run with a fake system root (SAHAB_INSTALL_ROOT): package and
# service commands are PATH stubs that unpack the real .deb into the fake root and log what they
# were asked. Also the download endpoints, install-info, enrol/check, and the script through a
# real HTTP proxy (Debian's tinyproxy).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
source "$(dirname "$0")/packages_lib.sh"
command -v tinyproxy >/dev/null || fail "tinyproxy not installed (scripts/packages/test.txt)"
command -v shellcheck >/dev/null || fail "shellcheck not installed (scripts/packages/test.txt)"
agent_deb="$(package_file "$AGENT_DEB_GLOB")"
agent_rpm="$(package_file "$AGENT_RPM_GLOB")"
version="$(dpkg-deb -f "$agent_deb" Version)"
TOKEN="$(cat "$ENROL_TOKEN_FILE")"
unset no_proxy NO_PROXY http_proxy https_proxy HTTPS_PROXY

mkdir -p "$WORK/downloads/subdir"
cp "$agent_deb" "$agent_rpm" "$WORK/downloads/"
echo "read me" >"$WORK/downloads/notes.txt"
echo secret >"$WORK/downloads/.hidden"
start_collector --downloads-dir "$WORK/downloads"

# --- The endpoints -------------------------------------------------------------------------
curl -fsS -D "$WORK/script.headers" "$URL/install.sh" >"$WORK/install.sh"
grep -qi '^content-type: text/x-shellscript' "$WORK/script.headers" || fail "install.sh content type"
grep -qx "COLLECTOR_URL='$URL'" "$WORK/install.sh" || fail "the served script does not name $URL"
shellcheck -s sh "$WORK/install.sh" || fail "shellcheck on the served script"
# Host comes from the client; X-Forwarded-Proto only counts from a trusted proxy (none here).
# The whole body first: `curl | grep -q` lets grep exit early and curl die of SIGPIPE under pipefail.
forwarded_script="$(curl -fsS -H 'X-Forwarded-Proto: https' "$URL/install.sh")"
grep -qx "COLLECTOR_URL='$URL'" <<<"$forwarded_script" || fail "X-Forwarded-Proto from an untrusted peer was believed"
expect_status 400 -H 'Host: evil.example/$(reboot)' "$URL/install.sh"
pass "GET /install.sh names the collector's URL and is shellcheck-clean"

listing="$(curl -fsS "$URL/downloads/")"
[[ "$listing" == "$(cd "$WORK/downloads" && LC_ALL=C ls -p | grep -v /)" ]] || fail "downloads listing: $listing"
curl -fsS -D "$WORK/deb.headers" -o "$WORK/got.deb" "$URL/downloads/$(basename "$agent_deb")"
cmp -s "$WORK/got.deb" "$agent_deb" || fail "the downloaded .deb differs"
grep -qi '^content-type: application/vnd.debian.binary-package' "$WORK/deb.headers" || fail "deb content type"
[[ "$(curl -fsS -o /dev/null -w '%{content_type}' "$URL/downloads/$(basename "$agent_rpm")")" == application/x-rpm ]] \
  || fail "rpm content type"
for bad in .hidden subdir ../sahab.db notes.txt/ missing.deb; do
  expect_status 404 --path-as-is "$URL/downloads/$bad"
done
# Encoded parent segments are refused by the HTTP layer before any route sees them.
for bad in %2e%2e%2fsahab.db ..%2Fsahab.db; do
  expect_status 400 --path-as-is "$URL/downloads/$bad"
done
pass "GET /downloads/: exact names of the listing, right types, no dotfiles, directories or traversal"

expect_status 401 "$URL/api/v1/install-info"
api /api/v1/install-info >"$WORK/info.json"
python3 - "$WORK/info.json" "$URL" "$(basename "$agent_deb")" "$(basename "$agent_rpm")" <<'PY' || fail "install-info"
import json, sys
info, url, deb, rpm = json.load(open(sys.argv[1])), *sys.argv[2:]
assert sorted(info) == ["collector_url", "command", "loopback", "packages", "public_url_configured",
                        "script_url"], info
assert info["collector_url"] == url and info["script_url"] == url + "/install.sh", info
# Derived from the request's Host (127.0.0.1): the web UI refuses to offer this command.
assert info["loopback"] is True and info["public_url_configured"] is False, info
assert info["command"] == f"curl -fsSL {url}/install.sh | sudo sh -s -- --token <TOKEN>", info
assert info["packages"] == sorted([deb, rpm]), info
PY
# Behind a trusted proxy with a private CA: https from X-Forwarded-Proto, the CA in the command.
proxied_port=$(free_port)
start proxied "$COLLECTOR" --listen "127.0.0.1:$proxied_port" --db "$WORK/proxied.db" \
  --api-token-file "$API_TOKEN_FILE" --http.trusted-proxy 127.0.0.1 --public-ca-file /etc/ssl/ca.pem
wait_http "http://127.0.0.1:$proxied_port/healthz"
command="$(curl -fsS -H "$API_AUTH" -H 'Host: sahab.example.ma' -H 'X-Forwarded-Proto: https' \
  "http://127.0.0.1:$proxied_port/api/v1/install-info" | json 'd["command"]')"
[[ "$command" == "curl -fsSL --cacert /etc/ssl/ca.pem https://sahab.example.ma/install.sh | sudo sh -s -- --token <TOKEN> --ca-file /etc/ssl/ca.pem" ]] \
  || fail "command behind the proxy: $command"
loopback_of() {  # loopback_of HOST: install-info's loopback for a request naming HOST
  curl -fsS -H "$API_AUTH" -H "Host: $1" "http://127.0.0.1:$proxied_port/api/v1/install-info" | json 'd["loopback"]'
}
[[ "$(loopback_of sahab.example.ma) $(loopback_of '[::1]:9410') $(loopback_of localhost:9410) $(loopback_of 127.0.0.2)" \
   == "False True True True" ]] || fail "loopback URLs not told apart"
curl -fsS "http://127.0.0.1:$proxied_port/downloads/" | cmp -s - /dev/null || fail "no downloads_dir: empty listing expected"
echo "public_url: \"https://x/'; reboot\"" >"$WORK/quote.yaml"
status=0
timeout 10 "$COLLECTOR" --config "$WORK/quote.yaml" --db "$WORK/quote.db" --listen 127.0.0.1:0 >"$WORK/quote.out" 2>&1 || status=$?
[[ $status -eq 2 ]] && grep -q "quote.yaml:1: key 'public_url'" "$WORK/quote.out" || fail "a public_url with a quote: $status $(cat "$WORK/quote.out")"
pass "GET /api/v1/install-info: the one-liner, packages, public URL behind a trusted proxy, loopback URLs flagged"

expect_status 200 -X POST -H "Authorization: Bearer $TOKEN" "$URL/api/v1/enrol/check"
expect_status 401 -X POST -H "Authorization: Bearer wrong-token-0123456789" "$URL/api/v1/enrol/check"
expect_status 401 -X POST "$URL/api/v1/enrol/check"
expect_status 403 -X POST -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$proxied_port/api/v1/enrol/check"
pass "POST /api/v1/enrol/check accepts the token only"

# --- The script with a fake root --------------------------------------------------------------
STUBS="$WORK/stubs"
mkdir -p "$STUBS"
stub() { printf '#!/bin/sh\n%s\n' "$2" >"$STUBS/$1" && chmod +x "$STUBS/$1"; }
log_call='echo "$(basename "$0") $*" >>"$SAHAB_INSTALL_ROOT/stub.log"'
stub apt-get "$log_call"'
for a; do case "$a" in *.deb) dpkg-deb -x "$a" "$SAHAB_INSTALL_ROOT" &&
  mkdir -p "$SAHAB_INSTALL_ROOT/stub-db" && dpkg-deb -f "$a" Version >"$SAHAB_INSTALL_ROOT/stub-db/sahab-agent";; esac; done'
stub dpkg-query '[ -f "$SAHAB_INSTALL_ROOT/stub-db/sahab-agent" ] || exit 1
echo "install ok installed $(cat "$SAHAB_INSTALL_ROOT/stub-db/sahab-agent")"'
stub dnf "$log_call"'
for a; do case "$a" in *.rpm) mkdir -p "$SAHAB_INSTALL_ROOT/stub-db" &&
  /usr/bin/rpm -qp --qf "%{VERSION}-%{RELEASE}" "$a" >"$SAHAB_INSTALL_ROOT/stub-db/sahab-agent" 2>/dev/null;; esac; done'
stub rpm '[ -f "$SAHAB_INSTALL_ROOT/stub-db/sahab-agent" ] && { cat "$SAHAB_INSTALL_ROOT/stub-db/sahab-agent"; echo; exit 0; }
echo "package sahab-agent is not installed"; exit 1'
stub systemctl "$log_call"'
case "$1" in is-active) [ -f "$SAHAB_INSTALL_ROOT/stub-active" ];; restart) touch "$SAHAB_INSTALL_ROOT/stub-active";; esac'
stub chown "$log_call"

# fake_root NAME OS_ID [systemd]: a root with /etc/os-release (and /run/systemd/system).
fake_root() {
  local root="$WORK/$1"
  mkdir -p "$root/etc"
  printf 'PRETTY_NAME="%s test"\nID=%s\n' "$2" "$2" >"$root/etc/os-release"
  [[ "${3:-}" != systemd ]] || mkdir -p "$root/run/systemd/system"
  echo "$root"
}
# install_sh ROOT [ARGS...]: the served script, as the one-liner runs it; output in $OUT, status in $STATUS.
install_sh() {
  local root="$1"; shift
  STATUS=0
  OUT="$(curl -fsS "$URL/install.sh" | env PATH="$STUBS:$PATH" SAHAB_INSTALL_ROOT="$root" sh -s -- "$@" 2>&1)" || STATUS=$?
  echo "$OUT" >>"$WORK/install-runs.log"
}
untouched() { [[ ! -e "$1/etc/sahab" && ! -e "$1/stub.log" ]]; }

root="$(fake_root refused debian systemd)"
install_sh "$root"
[[ $STATUS -eq 2 && "$OUT" == *"--token TOKEN is required"* ]] || fail "no token: status $STATUS: $OUT"
untouched "$root" || fail "the script without a token touched the root"
install_sh "$root" --token "wrong-token-0123456789"
[[ $STATUS -eq 4 && "$OUT" == *"refused the enrolment token: nothing installed"* ]] || fail "wrong token: $STATUS: $OUT"
untouched "$root" || fail "a refused token still installed something"
install_sh "$root" --token "$TOKEN" --collector "http://127.0.0.1:$(free_port)"
[[ $STATUS -eq 3 && "$OUT" == *"cannot reach the collector"* ]] || fail "unreachable: $STATUS: $OUT"
untouched "$root" || fail "an unreachable collector still installed something"
install_sh "$root" --token "$TOKEN" --bogus
[[ $STATUS -eq 2 && "$OUT" == *"unknown option '--bogus'"* ]] || fail "unknown option: $STATUS: $OUT"
pass "missing token (2), refused token (4), unreachable collector (3), bad option (2): nothing installed"

root="$(fake_root debian debian systemd)"
install_sh "$root" --token "$TOKEN"
[[ $STATUS -eq 0 ]] || fail "install failed ($STATUS): $OUT"
for said in "accepts the enrolment token" "distribution: debian test (deb packages)" \
    "installed sahab-agent $version" "wrote /etc/sahab/enrolment-token (mode 0600, owner sahab:sahab)" \
    "wrote /etc/sahab/agent.env" "sahab-agent enabled and (re)started" "done: sahab-agent $version reports to $URL"; do
  [[ "$OUT" == *"$said"* ]] || fail "the script did not say '$said': $OUT"
done
grep -qx "apt-get install -y -q -o Dpkg::Options::=--force-confold .*/$(basename "$agent_deb")" "$root/stub.log" \
  || fail "apt-get not asked for the .deb: $(cat "$root/stub.log")"
[[ -x "$root/usr/bin/sahab-agent" && -f "$root/etc/sahab/agent.yaml" ]] || fail "the package was not unpacked"
[[ "$(stat -c %a "$root/etc/sahab/enrolment-token")" == 600 && "$(cat "$root/etc/sahab/enrolment-token")" == "$TOKEN" ]] \
  || fail "token file mode or content"
grep -qx "chown sahab:sahab $root/etc/sahab/enrolment-token.new" "$root/stub.log" || fail "token not given to sahab"
grep -qx "SAHAB_AGENT_ARGS=\"--collector.url $URL --enrolment-token-file /etc/sahab/enrolment-token\"" "$root/etc/sahab/agent.env" \
  || fail "agent.env: $(cat "$root/etc/sahab/agent.env")"
grep -qx 'systemctl enable --quiet sahab-agent.service' "$root/stub.log" || fail "service not enabled"
grep -qx 'systemctl restart sahab-agent.service' "$root/stub.log" || fail "service not started"
# The packaged config with the written flags is one the unpacked agent accepts.
eval "$(grep '^SAHAB_AGENT_ARGS=' "$root/etc/sahab/agent.env")"
# shellcheck disable=SC2086 # the flags split on spaces as systemd splits $SAHAB_AGENT_ARGS
"$root/usr/bin/sahab-agent" --config "$root/etc/sahab/agent.yaml" $SAHAB_AGENT_ARGS --help >/dev/null \
  || fail "the installed agent refuses its configuration"
pass "Debian: token checked, .deb installed, token 0600 for sahab, agent.env, service enabled and started"

calls_before="$(wc -l <"$root/stub.log")"
install_sh "$root" --token "$TOKEN"
[[ $STATUS -eq 0 && "$OUT" == *"sahab-agent $version is already installed: package unchanged"* && "$OUT" == *"nothing changed"* ]] \
  || fail "re-run: $STATUS: $OUT"
new_calls="$(tail -n +"$((calls_before + 1))" "$root/stub.log")"
grep -q 'apt-get\|restart\|chown' <<<"$new_calls" && fail "the re-run installed or restarted: $new_calls"
pass "re-run: nothing changed, and it says so"

root="$(fake_root rocky rocky)"
install_sh "$root" --token "$TOKEN"
[[ $STATUS -eq 0 ]] || fail "rpm install failed ($STATUS): $OUT"
grep -qx "dnf install -y -q .*/$(basename "$agent_rpm")" "$root/stub.log" || fail "dnf not asked for the rpm: $(cat "$root/stub.log")"
[[ "$OUT" == *"systemd is not running here"* ]] || fail "no word about the missing systemd: $OUT"
pass "Rocky: the .rpm through dnf; without systemd it says how to start the agent"

# Through a real HTTP proxy: the script's downloads go through it, and the agent is told to use it.
proxy_port=$(free_port)
cat >"$WORK/tinyproxy.conf" <<EOF
User nobody
Group nogroup
Port $proxy_port
Listen 127.0.0.1
Timeout 30
MaxClients 8
Allow 127.0.0.1
LogLevel Connect
EOF
start tinyproxy tinyproxy -d -c "$WORK/tinyproxy.conf"
deadline=$((SECONDS + 10))
until curl -s -o /dev/null --proxy "http://127.0.0.1:$proxy_port" "$URL/healthz"; do
  (( SECONDS < deadline )) || fail "tinyproxy did not start"
  sleep 0.1
done
root="$(fake_root proxied debian systemd)"
STATUS=0
OUT="$(curl -fsS "$URL/install.sh" | env PATH="$STUBS:$PATH" SAHAB_INSTALL_ROOT="$root" \
  http_proxy="http://127.0.0.1:$proxy_port" sh -s -- --token "$TOKEN" 2>&1)" || STATUS=$?
[[ $STATUS -eq 0 ]] || fail "install through the proxy failed ($STATUS): $OUT"
grep -q "/downloads/$(basename "$agent_deb")" "$WORK/tinyproxy.log" || fail "the package did not come through the proxy"
grep -q "/api/v1/enrol/check" "$WORK/tinyproxy.log" || fail "the token check did not go through the proxy"
grep -q -- "--collector.proxy http://127.0.0.1:$proxy_port\"" "$root/etc/sahab/agent.env" || fail "the agent is not told about the proxy"
kill "$LAST_PID"; wait "$LAST_PID" 2>/dev/null || true
root="$(fake_root proxy-down debian systemd)"
install_sh "$root" --token "$TOKEN" --proxy "http://127.0.0.1:$proxy_port"
[[ $STATUS -eq 3 ]] && untouched "$root" || fail "a dead proxy: $STATUS: $OUT"
pass "through tinyproxy: token check and download via the proxy, agent.env names it; a dead proxy fails clearly"
echo "9 passed, 0 failed"
