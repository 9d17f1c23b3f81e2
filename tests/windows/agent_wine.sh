#!/usr/bin/env bash
# sahab-agent.exe, cross-built (scripts/build-windows.sh, warm dependency cache) and run under
# Wine: /metrics over loopback, checked with promtool and against this machine's figures
# (check_metrics.py), bad flags refused, the process gone after a kill; --once's inventory; push,
# enrolment and spool against a real collector on loopback (a bad token refused, the spool kept
# across a kill and replayed, the access lists Wine reads back printed); the service started and
# stopped through Wine's Service Control Manager, and an unreadable configuration reported to the
# event log; the MSI inspected with msitools, installed silently with COLLECTOR_URL and
# ENROLMENT_TOKEN (the service enrols and pushes) and removed with its data, then upgraded as
# Windows Installer does (a changed agent.yaml and the credential kept, the new exe running) and
# with Wine's own msiexec upgrade.
# Usage: agent_wine.sh BUILD_DIR   (the Windows build goes to BUILD_DIR/windows)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:?usage: $0 BUILD_DIR}/windows"
# The collector the agent pushes to: the native build's (`make test` builds it first).
COLLECTOR_EXE="${SAHAB_COLLECTOR:-$1/bin/sahab-collector}"
[[ -x "$COLLECTOR_EXE" ]] || { echo "FAIL: $COLLECTOR_EXE not built" >&2; exit 1; }
command -v promtool >/dev/null || { echo "FAIL: promtool not installed (Debian prometheus)" >&2; exit 1; }
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
[[ -x "$NGINX" ]] || { echo "FAIL: nginx not installed (scripts/packages/test.txt)" >&2; exit 1; }
source "$here/wine_lib.sh"
windows_build "$build" sahab-dacl-probe
source "$here/../integration/lib.sh" "$build/bin"
source "$here/../integration/collector_lib.sh"
source "$here/../integration/nginx_conf.sh"
COLLECTOR="$COLLECTOR_EXE"
EXE="$BIN_DIR/sahab-agent.exe"
DACL_PROBE="$BIN_DIR/sahab-dacl-probe.exe"
win_path() { echo "Z:${1//\//\\}"; }  # a path of this machine as Wine's programs see it

# A prefix of our own, and its wineserver ended with the test (other tests may run Wine too).
export WINEPREFIX="$WORK/wine" WINEDEBUG=-all
trap 'status=$?; wineserver -k 2>/dev/null || true; set +e; (exit $status); cleanup' EXIT
# The prefix is made and its wineserver left to finish (services created before that vanish or
# cannot be opened); then a persistent wineserver: each exe starts in a fraction of a second
# instead of ~2.6 s.
wineboot -i >"$WORK/wineboot.log" 2>&1 || fail "wineboot could not make a prefix"
wineserver -w
wineserver -p || fail "wineserver -p failed"

version="$(sed -nE 's/^project\(sahab VERSION ([0-9.]+).*/\1/p' "$here/../../CMakeLists.txt")"
out="$(wine "$EXE" --version | tr -d '\r')" || fail "--version failed"  # the CRT's text mode: CRLF
[[ "$out" == "sahab-agent $version" ]] || fail "--version said: $out"
ok "--version names the version"
status=0
wine "$EXE" --no-such-flag >/dev/null 2>"$WORK/bad.err" || status=$?
[[ $status -eq 2 ]] && grep -q "'--no-such-flag'" "$WORK/bad.err" ||
  fail "an unknown flag gave exit $status: $(cat "$WORK/bad.err")"
status=0
wine "$EXE" --web.listen-address 127.0.0.1:9100s >/dev/null 2>"$WORK/tls.err" || status=$?
[[ $status -eq 2 ]] || fail "a TLS listen address gave exit $status"
ok "bad flags are refused with exit 2, naming the flag"

port=$(free_port)
start agent wine "$EXE" --web.listen-address "127.0.0.1:$port"
agent_pid=$LAST_PID
wait_http "http://127.0.0.1:$port/healthz" 60
curl -fsS --max-time 30 -o "$WORK/first.txt" "http://127.0.0.1:$port/metrics" || fail "scrape 1"
sleep 1
curl -fsS --max-time 30 -o "$WORK/second.txt" "http://127.0.0.1:$port/metrics" || fail "scrape 2"
ok "serves /healthz and /metrics on loopback under Wine"

promtool check metrics <"$WORK/second.txt" >"$WORK/promtool.log" 2>&1 ||
  fail "promtool check metrics: $(cat "$WORK/promtool.log")"
ok "promtool check metrics accepts the output"

memtotal=$(awk '/^MemTotal:/ {printf "%.0f", $2 * 1024}' /proc/meminfo)
python3 "$here/check_metrics.py" "$WORK/first.txt" "$WORK/second.txt" "$(nproc)" "$memtotal" ||
  fail "metrics disagree with windows_exporter's names or this machine (above)"
ok "windows_exporter names, labels and this machine's CPUs, memory, disks and nics"

kill "$agent_pid"
for _ in $(seq 50); do kill -0 "$agent_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$agent_pid" 2>/dev/null && fail "the agent did not stop on a kill"
ok "stops on a kill"

port=$(free_port)
start agent_no_cpu wine "$EXE" --web.listen-address "127.0.0.1:$port" --no-collector.cpu
wait_http "http://127.0.0.1:$port/healthz" 60
curl -fsS --max-time 30 -o "$WORK/no_cpu.txt" "http://127.0.0.1:$port/metrics" || fail "scrape 3"
grep -q '^windows_cpu_' "$WORK/no_cpu.txt" && fail "--no-collector.cpu still reports windows_cpu_*"
grep -q '^windows_memory_physical_total_bytes ' "$WORK/no_cpu.txt" || fail "memory missing"
ok "--no-collector.cpu leaves the cpu collector out"

# --once: the inventory document on stdout; its host id is the one the pushes below carry.
state="$WORK/state"
wine "$EXE" --once --state.dir "$(win_path "$state")" >"$WORK/once.json" 2>"$WORK/once.err" ||
  fail "--once: $(cat "$WORK/once.err")"
host_id="$(python3 - "$WORK/once.json" <<'PY'
import json, re, sys
inventory = json.load(open(sys.argv[1]))["inventory"]
assert inventory["format"] == "sahab-inventory/1", inventory["format"]
identity = inventory["sections"]["identity"]["data"]
assert re.fullmatch(r"[0-9a-f]{32}", identity["host_id"]), identity
assert identity["hostname"] and identity["agent_version"], identity
os = inventory["sections"]["system"]["data"]["os"]
assert os["family"] == "windows" and os["name"] and os["version"].count(".") == 2, os
for section in inventory["sections"].values():
    assert re.fullmatch(r"[0-9a-f]{64}", section["hash"]), section
print(identity["host_id"])
PY
)" || fail "--once printed no valid inventory: $(head -c 600 "$WORK/once.json")"
# The host id is the prefix's MachineGuid, not this Linux machine's /etc/machine-id (which Wine
# shows as Z:\etc\machine-id).
guid="$(wine reg query 'HKLM\SOFTWARE\Microsoft\Cryptography' /v MachineGuid | tr -d '\r-' |
  awk '/MachineGuid/ {print tolower($NF)}')"
[[ "$host_id" == "$guid" && "$host_id" != "$(cat /etc/machine-id 2>/dev/null)" ]] ||
  fail "host id $host_id, MachineGuid $guid"
ok "--once prints the inventory: identity (MachineGuid), Windows OS, hashed sections"

# Push to a real collector on loopback, which also serves the MSI under /downloads/. A wrong
# enrolment token first: refused, said clearly.
msi="$(ls "$build"/sahab-agent-*-x64.msi)"
mkdir "$WORK/downloads"
cp "$msi" "$WORK/downloads/"
start_collector --downloads-dir "$WORK/downloads"
echo "not-the-enrolment-token-0123456789" >"$WORK/wrong-token"
port=$(free_port)
start bad_token wine "$EXE" --web.listen-address "127.0.0.1:$port" --collector.url "$URL" \
  --enrolment-token-file "$(win_path "$WORK/wrong-token")" --state.dir "$(win_path "$WORK/bad-state")" \
  --spool.dir "$(win_path "$WORK/bad-state/spool")" --report.interval 1s
bad_pid=$LAST_PID
for _ in $(seq 300); do grep -q 'enrolment refused' "$WORK/bad_token.log" && break; sleep 0.1; done
grep -qE 'level=error msg="enrolment refused.*(HTTP 4[0-9][0-9])' "$WORK/bad_token.log" ||
  fail "a wrong token: $(tail -5 "$WORK/bad_token.log")"
kill "$bad_pid"
[[ "$(sql "SELECT count(*) FROM hosts")" == 0 ]] || fail "a host was stored with a wrong token"
ok "a wrong enrolment token is refused, the log naming the collector's answer"

# push_agent URL [FLAGS...]: the agent reporting to URL every second with the collector's token.
push_agent() {
  port=$(free_port)
  start "push_$port" wine "$EXE" --web.listen-address "127.0.0.1:$port" --collector.url "$1" "${@:2}" \
    --enrolment-token-file "$(win_path "$ENROL_TOKEN_FILE")" --state.dir "$(win_path "$state")" \
    --spool.dir "$(win_path "$state/spool")" --report.interval 1s
  AGENT_PID=$LAST_PID
  wait_http "http://127.0.0.1:$port/healthz" 60
}
# until_sql SECONDS QUERY EXPECTED: waits for the collector's database to answer EXPECTED.
until_sql() {
  for _ in $(seq $(($1 * 10))); do [[ "$(sql "$2" 2>/dev/null)" == "$3" ]] && return 0; sleep 0.1; done
  fail "after $1 s the collector answers '$(sql "$2")' to $2, not '$3'"
}
push_agent "$URL"
until_sql 60 "SELECT source || ' ' || (hostname <> '') FROM hosts WHERE id = '$host_id'" "agent 1"
until_sql 30 "SELECT count(*) > 0 FROM inventory_current WHERE host_id = '$host_id' AND section = 'system'" 1
[[ -s "$state/credential" ]] || fail "no credential kept in the state folder"
# The folder's access list allows SYSTEM and Administrators only; Wine maps a list without
# Everyone or Users to Unix modes that give others nothing.
[[ "$(stat -c %A "$state")" == d*--- && "$(stat -c %A "$state/spool")" == d*--- ]] ||
  fail "the state folder is open to others: $(stat -c %A "$state") $(stat -c %A "$state/spool")"
ok "the exe enrols with the token, pushes, and the collector stores the host and its inventory; its folders are closed to others"
# The access lists read back with GetNamedSecurityInfo (sahab-dacl-probe.exe): SYSTEM full
# control and no entry for Everyone (WD), Users (BU), Authenticated Users (AU) or Interactive
# (IU), on the folders and on the credential itself (its own protected list, as mode 0600 on
# Linux: common/file_windows.cpp). Wine keeps no access list of its own: it shows the Unix
# mode's owner bits as the owner's SID where Windows would show Administrators (BA).
wine "$DACL_PROBE" "$(win_path "$state")" "$(win_path "$state/spool")" "$(win_path "$state/credential")" \
  >"$WORK/dacl.txt" 2>&1 || fail "sahab-dacl-probe: $(cat "$WORK/dacl.txt")"
python3 - "$WORK/dacl.txt" <<'PY' || fail "access lists (above): $(cat "$WORK/dacl.txt")"
import re, sys
lines = [l.strip() for l in open(sys.argv[1]) if l.startswith("D:")]
assert len(lines) == 3, lines
for line, inherit in zip(lines, ("OICI", "OICI", "")):
    aces = re.findall(r"\(([^)]*)\)", line)
    assert f"A;{inherit};FA;;;SY" in aces, (line, "SYSTEM")
    broad = [a for a in aces if a.split(";")[-1] in ("WD", "BU", "AU", "IU")]
    assert not broad, (line, broad)
PY
[[ "$(stat -c %A "$state/credential")" == -*--- ]] || fail "the credential is open to others: $(stat -c %A "$state/credential")"
ok "access lists read back: SYSTEM, no Everyone or Users on the state folder, the spool and the credential"

# The collector down: batches wait in the spool; the agent killed, they stay on disk; both back,
# every batch arrives once, in order.
kill -9 "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null || true
spooled() { ls "$state/spool" 2>/dev/null | grep -c '\.batch$' || true; }
for _ in $(seq 300); do (( $(spooled) >= 3 )) && break; sleep 0.1; done
(( $(spooled) >= 3 )) || fail "the spool holds $(spooled) batches with the collector down"
kill -9 "$AGENT_PID"; wait "$AGENT_PID" 2>/dev/null || true
before=$(spooled)
(( before >= 3 )) || fail "the spool lost batches across the kill ($before left)"
start_collector --downloads-dir "$WORK/downloads"
push_agent "$URL"
for _ in $(seq 600); do (( $(spooled) == 0 )) && break; sleep 0.1; done
(( $(spooled) == 0 )) || fail "the spool did not drain: $(spooled) batches left"
read -r highest count < <(sql "SELECT sequence || ' ' || batches FROM batch_marks WHERE host_id = '$host_id'")
(( count == highest && count >= before )) ||
  fail "the collector holds $count batches for sequences up to $highest ($before were spooled)"
kill "$AGENT_PID"
ok "the spool survives a kill -9 and replays: $count batches, sequences 1..$highest without gap"

# HTTPS through mbedTLS and Winsock: nginx terminates TLS (a CA and a certificate for localhost
# made here) in front of the collector. With the CA file the pushes go through; without it the
# machine's ROOT store is used (Wine fills it from this machine's CAs), which does not hold the
# test CA: refused, saying why.
tls="$WORK/tls"
make_test_tls "$tls"
tls_port=$(free_port)
write_nginx_conf "$WORK/nginx" 64 <<CONF
  server {
    listen 127.0.0.1:$tls_port ssl;
    ssl_certificate $tls/collector.crt;
    ssl_certificate_key $tls/collector.key;
    client_body_buffer_size 1m;
    location / { proxy_pass http://127.0.0.1:${URL##*:}; }
  }
CONF
start nginx "$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf"
for _ in $(seq 150); do curl -fsS --cacert "$tls/ca.crt" -o /dev/null "https://localhost:$tls_port/healthz" 2>/dev/null && break; sleep 0.1; done
pushed="$(sql "SELECT sequence FROM batch_marks WHERE host_id = '$host_id'")"
push_agent "https://localhost:$tls_port" --collector.ca-file "$(win_path "$tls/ca.crt")"
until_sql 60 "SELECT sequence > $pushed FROM batch_marks WHERE host_id = '$host_id'" 1
kill "$AGENT_PID"
push_agent "https://localhost:$tls_port"
tls_log="$WORK/push_$port.log"
for _ in $(seq 300); do grep -q 'SSL certificate problem' "$tls_log" && break; sleep 0.1; done
grep -q 'not delivered, will retry: SSL certificate problem with localhost' "$tls_log" ||
  fail "an unknown CA: $(tail -3 "$tls_log")"
kill "$AGENT_PID"
ok "HTTPS: pushes through TLS with the CA file; the machine's ROOT store alone refuses the test CA"

# The service: created with Wine's sc, started and stopped through the SCM; its log lands in
# %ProgramData%\Sahab\agent.log (Wine's services see ProgramData as C:\users\Public).
port=$(free_port)
exe_windows_path="Z:${EXE//\//\\}"
wine sc create sahab-agent binPath= "$exe_windows_path --service --web.listen-address 127.0.0.1:$port" \
  start= demand >"$WORK/sc.log" 2>&1 || fail "sc create: $(cat "$WORK/sc.log")"
# service_state STATE: waits up to 20 s for the SCM to report STATE.
service_state() {
  for _ in $(seq 200); do
    [[ "$(wine sc query sahab-agent 2>/dev/null)" =~ STATE\ *:\ [0-9]\ *$1 ]] && return 0
    sleep 0.1
  done
  fail "the SCM does not report the service $1: $(wine sc query sahab-agent 2>&1)"
}
wine sc start sahab-agent >"$WORK/sc_start.log" 2>&1 || fail "sc start: $(cat "$WORK/sc_start.log")"
service_state RUNNING
wait_http "http://127.0.0.1:$port/healthz" 60
curl -fsS --max-time 30 -o "$WORK/service.txt" "http://127.0.0.1:$port/metrics" || fail "scrape service"
grep -q '^windows_cpu_time_total{' "$WORK/service.txt" || fail "the service serves no windows_cpu_time_total"
wine sc stop sahab-agent >"$WORK/sc_stop.log" 2>&1 || fail "sc stop: $(cat "$WORK/sc_stop.log")"
service_state STOPPED
curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null &&
  fail "the stopped service still answers"
service_log="$(find "$WINEPREFIX/drive_c" -path '*/Sahab/agent.log' | head -1)"
[[ -n "$service_log" ]] || fail "no Sahab\\agent.log written by the service"
grep -q 'level=info msg="listening on 127.0.0.1:'"$port" "$service_log" &&
  grep -q 'msg="shutting down"' "$service_log" || fail "service log: $(cat "$service_log")"
ok "runs as a service: SCM start and stop, log in ProgramData\\Sahab"

wine sc delete sahab-agent >/dev/null 2>&1 || fail "sc delete"

# Errors reach the Event Log under the "sahab-agent" source (service.cpp: every log::error once the
# SCM has connected). Wine's ReportEvent writes each string to its err:eventlog debug channel on
# the standard error of the service, which services.exe hands down from the wine process that
# started it: the Wine machine is restarted, so that `sc create`, the first process after it,
# starts services.exe with its standard error in a file of ours and eventlog errors on. The error
# induced: a configuration file that does not exist, which --service reads only once the SCM has
# connected (main.cpp), so the SCM also sees the service stop with an error.
wineserver -k || true
wineserver -w
wineserver -p || fail "wineserver -p (restart)"
WINEDEBUG=-all,err+eventlog wine sc create sahab-agent \
  binPath= "$exe_windows_path --service --config Z:\\no\\such\\agent.yaml" start= demand \
  >"$WORK/services.log" 2>&1 || fail "sc create: $(cat "$WORK/services.log")"
wine sc start sahab-agent >/dev/null 2>&1 || true  # it stops with an error right away
# failed: STOPPED with ERROR_SERVICE_SPECIFIC_ERROR (1066) and the agent's exit code 1.
failed() {
  query="$(wine sc query sahab-agent 2>&1 | tr -d '\r')"
  [[ "$query" =~ STOPPED && "$query" =~ WIN32_EXIT_CODE\ *:\ 1066 &&
     "$query" =~ SERVICE_EXIT_CODE\ *:\ 1\  ]]
}
for _ in $(seq 200); do failed && break; sleep 0.1; done
failed || fail "the SCM does not see the service fail: $query"
expected='sahab-agent stopped: Z:\\no\\such\\agent.yaml: cannot read the file'
for _ in $(seq 100); do grep -qF "err:eventlog:ReportEventW L\"$expected\"" "$WORK/services.log" && break; sleep 0.1; done
grep -qF "err:eventlog:ReportEventW L\"$expected\"" "$WORK/services.log" ||
  fail "no event logged: $(cat "$WORK/services.log")"
grep -qF 'level=error msg="sahab-agent stopped: Z:\\no\\such\\agent.yaml: cannot read the file"' "$service_log" ||
  fail "agent.log: $(tail -3 "$service_log")"
wine sc delete sahab-agent >/dev/null 2>&1 || fail "sc delete"
ok "an unreadable configuration stops the service with an error (exit 1), reported to the event log and agent.log"

# The MSI, inspected with msitools: properties, the service, the file (byte for byte).
[[ "$msi" == "$build/sahab-agent-$version-x64.msi" ]] || fail "MSI name $msi, version $version"
# msiinfo writes CRLF lines.
table() { msiinfo export "$msi" "$1" | tr -d '\r'; }
table Property >"$WORK/property.txt"
grep -qP '^ProductVersion\t'"$version"'$' "$WORK/property.txt" || fail "ProductVersion"
grep -qP '^UpgradeCode\t\{5a6b1f0e-3c1d-4a57-9a4e-7d1c2b3a4f19\}$' "$WORK/property.txt" ||
  fail "UpgradeCode changed: upgrades in place would break"
grep -qP '^LISTEN_ADDRESS\t:9100$' "$WORK/property.txt" || fail "LISTEN_ADDRESS default"
table ServiceInstall | grep -qP \
  '^AgentServiceInstall\tsahab-agent\tSahab agent\t16\t2\t.*\t--service --web.listen-address \[LISTEN_ADDRESS\]\t' ||
  fail "ServiceInstall row: $(table ServiceInstall)"
# 163 = start on install, stop on install and uninstall, remove on uninstall.
table ServiceControl | grep -qP '^AgentServiceControl\tsahab-agent\t163\t' ||
  fail "ServiceControl row: $(table ServiceControl)"
mkdir "$WORK/extracted"
msiextract -C "$WORK/extracted" "$msi" >/dev/null || fail "msiextract"
cmp -s "$(find "$WORK/extracted" -name sahab-agent.exe)" "$EXE" || fail "the MSI's exe is not the built one"
# The Application log's event source, its messages in the exe (messages.mc).
table Registry | grep -qP '\tSYSTEM\\CurrentControlSet\\Services\\EventLog\\Application\\sahab-agent\tEventMessageFile\t\[#AgentExe\]\t' ||
  fail "event source: $(table Registry)"
x86_64-w64-mingw32-objdump -h "$EXE" | grep -q '\.rsrc' || fail "the exe has no resources (message table)"
ok "MSI: version, upgrade code, LISTEN_ADDRESS, auto-start service with --service, the exe, the event source"

# Silent install and removal, then install and in-place upgrade, under Wine's msiexec.
installed_service() { wine reg query 'HKLM\System\CurrentControlSet\Services\sahab-agent' /v ImagePath 2>/dev/null; }
installed_exe="$WINEPREFIX/drive_c/Program Files/Sahab/sahab-agent.exe"
# msi_install FILE PORT [PROPERTY=VALUE...]: silent install listening on 127.0.0.1:PORT; the
# service must answer.
msi_install() {
  wine msiexec /i "Z:${1//\//\\}" /qn /l*v "Z:${WORK//\//\\}\\install.log" "LISTEN_ADDRESS=127.0.0.1:$2" "${@:3}" \
    >"$WORK/msiexec.log" 2>&1 ||
    fail "msiexec /i $1: $(cat "$WORK/msiexec.log"; tail -n 40 "$WORK/install.log" 2>/dev/null)"
  service_state RUNNING
  wait_http "http://127.0.0.1:$2/healthz" 60
}
# The service runs on the same (Wine) machine as the console agent above, so under the same host
# id, which that collector holds a credential for (it would hold the service's enrolment for an
# administrator's approval): a collector with a new database. It serves the MSI and gives the
# PowerShell one-liner that installs it; the install below uses the file as downloaded from it.
# fresh_collector: the collector restarted on a new database.
fresh_collector() {
  kill "$COLLECTOR_PID"; wait "$COLLECTOR_PID" 2>/dev/null || true
  rm -f "$WORK"/sahab.db*
  start_collector --downloads-dir "$WORK/downloads"
  msi_props=("COLLECTOR_URL=$URL" "ENROLMENT_TOKEN=$(cat "$ENROL_TOKEN_FILE")")
}
fresh_collector
msi_name="$(basename "$msi")"
curl -fsS -D "$WORK/msi.headers" -o "$WORK/served.msi" "$URL/downloads/$msi_name" || fail "GET /downloads/$msi_name"
cmp -s "$WORK/served.msi" "$msi" || fail "the served MSI differs"
grep -qi '^content-type: application/x-msi' "$WORK/msi.headers" || fail "MSI content type: $(cat "$WORK/msi.headers")"
api /api/v1/install-info >"$WORK/install-info.json"
python3 - "$WORK/install-info.json" "$URL" "$msi_name" <<'PY' || fail "install-info: $(cat "$WORK/install-info.json")"
import json, sys
info, url, msi = json.load(open(sys.argv[1])), sys.argv[2], sys.argv[3]
assert info["msi"] == msi, info
command = info["windows_command"]
assert f"Invoke-WebRequest -UseBasicParsing -Uri {url}/downloads/{msi} " in command, command
assert f"'/qn', 'COLLECTOR_URL={url}', 'ENROLMENT_TOKEN=<TOKEN>'" in command, command
assert "Start-Process msiexec.exe -Wait" in command and info["packages"] == [], info
PY
ok "the collector serves the MSI under /downloads/ and install-info gives the PowerShell one-liner"

# The service's folder, %ProgramData%\Sahab (agent/windows/program_data.h).
data_dir="$WINEPREFIX/drive_c/ProgramData/Sahab"
# A report every 2 s (the default is a minute): a key of an agent.yaml already there, which the
# install must keep.
quick_reports() { mkdir -p "$data_dir" && printf 'report:\n  interval: 2s\n' >"$data_dir/agent.yaml"; }
quick_reports
port=$(free_port)
msi_install "$WORK/served.msi" "$port" "${msi_props[@]}"
installed_service | grep -qF 'C:\Program Files\Sahab\sahab-agent.exe --service --web.listen-address 127.0.0.1:'"$port" ||
  fail "service command line: $(installed_service)"
grep -qxF "  url: $URL" "$data_dir/agent.yaml" && grep -q '^enrolment_token_file: ' "$data_dir/agent.yaml" &&
  grep -qxF '  interval: 2s' "$data_dir/agent.yaml" ||
  fail "agent.yaml: $(cat "$data_dir/agent.yaml" 2>&1)"
cmp -s "$data_dir/enrolment-token" "$ENROL_TOKEN_FILE" || fail "the enrolment token file differs"
service_host="$host_id"
until_sql 60 "SELECT count(*) > 0 FROM batch_marks WHERE host_id = '$service_host'" 1
until_sql 30 "SELECT source FROM hosts WHERE id = '$service_host'" agent
wine reg query 'HKLM\SYSTEM\CurrentControlSet\Services\EventLog\Application\sahab-agent' /v EventMessageFile 2>&1 |
  grep -qF 'C:\Program Files\Sahab\sahab-agent.exe' || fail "the event source is not registered"
ok "msiexec /i /qn COLLECTOR_URL= ENROLMENT_TOKEN= writes agent.yaml and registers the event source; the service enrols and pushes"

# A COLLECTOR_URL the agent would refuse: the custom action's command (Return="check": its exit
# code fails the install) exits 1 naming the problem and leaves the configuration as it was.
# (Run directly: a second msiexec /i of the installed product is a maintenance install, which
# Wine's msiexec handles differently from Windows.)
status=0
wine "$installed_exe" --msi-configure ftp://nowhere "$(cat "$ENROL_TOKEN_FILE")" >/dev/null 2>"$WORK/refused.err" ||
  status=$?
(( status == 1 )) && grep -q "expected an http:// or https:// URL" "$WORK/refused.err" ||
  fail "an ftp:// COLLECTOR_URL gave exit $status: $(cat "$WORK/refused.err")"
grep -qxF "  url: $URL" "$data_dir/agent.yaml" || fail "a refused COLLECTOR_URL changed agent.yaml"
ok "a COLLECTOR_URL the agent refuses fails the installer's action and leaves the configuration"

# stop_service_and_wait WHY: the service stopped and its process gone. Wine's msiexec deletes or
# replaces the exe as soon as the SCM reports the service stopped, a moment before the process has
# exited, and fails on the file still in use (Windows Installer would finish at the next restart);
# that case is not what is tested here, so removal and upgrade both start from a stopped service.
stop_service_and_wait() {
  wine sc stop sahab-agent >/dev/null 2>&1 || fail "sc stop before $1"
  service_state STOPPED
  for _ in $(seq 100); do
    [[ "$(ps -eo args)" == *'C:\Program Files\Sahab\sahab-agent.exe'* ]] || return 0
    sleep 0.1
  done
  fail "the agent's process still runs 10 s after the service stopped (before $1)"
}
stop_service_and_wait removal
wine msiexec /x "Z:${msi//\//\\}" /qn >"$WORK/uninstall.log" 2>&1 ||
  fail "msiexec /x: $(cat "$WORK/uninstall.log")"
installed_service >/dev/null && fail "the service is still registered after removal"
[[ -e "$installed_exe" ]] && fail "the exe is left behind"
[[ -e "$data_dir" ]] && fail "%ProgramData%\\Sahab is left behind: $(ls "$data_dir")"
curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$port/healthz" 2>/dev/null &&
  fail "the agent still answers after removal"
ok "msiexec /x removes the (stopped) service, the exe and %ProgramData%\\Sahab"

# Removal took the credential: the same host enrolling again would wait for an administrator.
fresh_collector
quick_reports
port=$(free_port)
msi_install "$msi" "$port" "${msi_props[@]}"
until_sql 60 "SELECT count(*) > 0 FROM batch_marks WHERE host_id = '$service_host'" 1
[[ -s "$data_dir/credential" ]] || fail "the service holds no credential"
# The administrator changes agent.yaml after the install.
sed -i 's/interval: 2s/interval: 3s/' "$data_dir/agent.yaml"
echo "# changed by hand after the install" >>"$data_dir/agent.yaml"
cp "$data_dir/agent.yaml" "$WORK/agent.yaml.changed"
cp "$data_dir/credential" "$WORK/credential.before"
# build_msi VERSION EXE OUT: the MSI of this source tree around EXE, as another release would be.
build_msi() {
  (cd "$(dirname "$2")" && wixl -a x64 -D "Version=$1" -D "AgentExe=$(basename "$2")" -o "$3" \
    "$here/../../packaging/windows/sahab-agent.wxs") >/dev/null 2>&1 || fail "wixl $1"
}
# Version 2 carries an exe of its own (bytes appended after the image, which Windows ignores), so
# the installed file and the running service show which version is in place.
mkdir "$WORK/v2"
cp "$EXE" "$WORK/v2/sahab-agent.exe"
printf 'sahab-agent upgrade test: version 2' >>"$WORK/v2/sahab-agent.exe"
build_msi "${version%.*}.$((${version##*.} + 1))" "$WORK/v2/sahab-agent.exe" "$WORK/v2.msi"
build_msi "${version%.*}.$((${version##*.} + 2))" "$EXE" "$WORK/v3.msi"
v2_code="$(msiinfo export "$WORK/v2.msi" Property | tr -d '\r' | awk -F'\t' '$1 == "ProductCode" {print $2}')"
[[ "$v2_code" =~ ^\{[0-9A-Fa-f-]{36}\}$ ]] || fail "v2's ProductCode: $v2_code"

# The upgrade as Windows Installer runs it: RemoveExistingProducts removes version 1 with
# UPGRADINGPRODUCTCODE set to version 2's product code, then version 2 installs. Wine's own
# RemoveExistingProducts does not set that property (below), so its step is run here as
# Windows runs it: msiexec /x with the property.
stop_service_and_wait upgrade
wine msiexec /x "Z:${msi//\//\\}" /qn "UPGRADINGPRODUCTCODE=$v2_code" >"$WORK/remove-v1.log" 2>&1 ||
  fail "msiexec /x version 1: $(cat "$WORK/remove-v1.log")"
[[ -e "$installed_exe" ]] && fail "version 1's exe is left after its removal"
cmp -s "$data_dir/agent.yaml" "$WORK/agent.yaml.changed" && cmp -s "$data_dir/credential" "$WORK/credential.before" ||
  fail "removing version 1 for an upgrade touched the configuration: $(ls -la "$data_dir" 2>&1)"
pushed="$(sql "SELECT sequence FROM batch_marks WHERE host_id = '$service_host'")"
old_port=$port
port=$(free_port)
msi_install "$WORK/v2.msi" "$port"  # no COLLECTOR_URL or ENROLMENT_TOKEN: an upgrade keeps what is there
cmp -s "$installed_exe" "$WORK/v2/sahab-agent.exe" || fail "the installed exe is not version 2's"
[[ "$(ps -eo args)" == *'C:\Program Files\Sahab\sahab-agent.exe --service --web.listen-address 127.0.0.1:'"$port"* ]] ||
  fail "no service process of version 2: $(ps -eo args | grep -i sahab)"
curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$old_port/healthz" 2>/dev/null &&
  fail "version 1 still serves after the upgrade"
until_sql 60 "SELECT sequence > $pushed FROM batch_marks WHERE host_id = '$service_host'" 1
cmp -s "$data_dir/agent.yaml" "$WORK/agent.yaml.changed" || fail "agent.yaml changed: $(diff "$WORK/agent.yaml.changed" "$data_dir/agent.yaml")"
cmp -s "$data_dir/credential" "$WORK/credential.before" || fail "the credential changed across the upgrade"
# Nothing of %ProgramData%\Sahab is an MSI resource: no removal path of the installer deletes it
# but the removal-only action.
for t in File RemoveFile CreateFolder Registry; do
  msiinfo export "$WORK/v2.msi" "$t" 2>/dev/null | tr -d '\r' | grep -iqE 'agent\.yaml|credential|ProgramData|CommonAppData' &&
    fail "the MSI's $t table names the agent's data"
done
ok "upgrade as Windows runs it (version 1 removed with UPGRADINGPRODUCTCODE, version 2 installed without properties): the changed agent.yaml and the credential untouched, version 2's exe serving and pushing with them"

# Wine's own major upgrade, version 3 over version 2 in one msiexec /i: given the properties
# again, as re-running the one-liner does. Wine's RemoveExistingProducts removes the old version
# without setting UPGRADINGPRODUCTCODE (traced: MsiConfigureProductExW with " REMOVE=ALL" only),
# so the removal-only action deletes %ProgramData%\Sahab during an upgrade under Wine; the
# condition that keeps it on Windows is checked in the MSI's table.
old_port=$port
port=$(free_port)
stop_service_and_wait "Wine's upgrade"
msi_install "$WORK/v3.msi" "$port" "${msi_props[@]}"
cmp -s "$installed_exe" "$EXE" || fail "the installed exe is not version 3's"
curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$old_port/healthz" 2>/dev/null &&
  fail "the old version still serves after the upgrade"
versions="$(wine reg query 'HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall' /s 2>/dev/null |
  grep -c 'DisplayName.*Sahab agent' || true)"
[[ "$versions" == 1 ]] || fail "$versions Sahab agents listed as installed after the upgrade"
grep -qxF "  url: $URL" "$data_dir/agent.yaml" || fail "agent.yaml after the upgrade: $(cat "$data_dir/agent.yaml" 2>&1)"
table InstallExecuteSequence | grep -qP '^RemoveAgentData\tREMOVE~="ALL" AND NOT UPGRADINGPRODUCTCODE\t3400$' &&
  table InstallExecuteSequence | grep -qP '^WriteAgentConfig\tNOT REMOVE~="ALL"\t4001$' &&
  table InstallExecuteSequence | grep -qP '^RemoveExistingProducts\t\t1401$' ||
  fail "MSI sequence: $(table InstallExecuteSequence | grep -E 'Agent|RemoveExisting')"
ok "Wine's in-place upgrade: one product, version 3's exe on the new address and configured; data removal skipped on upgrades (by condition)"

echo "$passed passed, 0 failed"
