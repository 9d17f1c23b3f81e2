#!/usr/bin/env bash
# The Windows inventory under Wine: sahab-agent.exe's /inventory (inventory::Inventory with the
# document --once prints) after the test wrote into Wine's registry what a Windows server holds
# (Uninstall entries in the 64- and 32-bit views, a SQL Server instance, a Server Manager feature,
# a volume licence key's DigitalProductId4),
# an IIS configuration and a service; checked by check_inventory.py against those and against
# this machine (CPUs, memory, C:, nics, the agent's listening socket); refused to a caller from
# another address. Wine gives no owning PIDs, so listening sockets carry no process name; the
# native unit tests cover that mapping. Then the Windows host dashboard against a real Prometheus.
# Usage: inventory_wine.sh BUILD_DIR   (the Windows build goes to BUILD_DIR/windows)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
build="${1:?usage: $0 BUILD_DIR}/windows"
source "$here/wine_lib.sh"
windows_build "$build" sahab-inventory-probe
source "$here/../integration/lib.sh" "$build/bin"
PROBE="$BIN_DIR/sahab-inventory-probe.exe"

export WINEPREFIX="$WORK/wine" WINEDEBUG=-all
trap 'status=$?; wineserver -k 2>/dev/null || true; set +e; (exit $status); cleanup' EXIT
wineboot -i >"$WORK/wineboot.log" 2>&1 || fail "wineboot could not make a prefix"
wineserver -w
wineserver -p || fail "wineserver -p failed"

# What a Windows server's registry holds, written through Wine's reg (the agent reads it back
# through the Win32 registry API).
reg_add() { wine reg add "$@" /f >>"$WORK/reg.log" 2>&1 || fail "reg add $*: $(cat "$WORK/reg.log")"; }
uninstall='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall'
reg_add "$uninstall\\PostgreSQL 15" /v DisplayName /d "PostgreSQL 15 " /reg:64
reg_add "$uninstall\\PostgreSQL 15" /v DisplayVersion /d "15.4-1" /reg:64
reg_add "$uninstall\\{SQL2019}" /v DisplayName /d "Microsoft SQL Server 2019 (64-bit)" /reg:64
reg_add "$uninstall\\{SQL2019}" /v DisplayVersion /d "15.0.2000.5" /reg:64
reg_add "$uninstall\\{Hidden}" /v DisplayName /d "Hidden Component" /reg:64
reg_add "$uninstall\\{Hidden}" /v SystemComponent /t REG_DWORD /d 1 /reg:64
reg_add "$uninstall\\KB5021125" /v DisplayName /d "Security Update for SQL Server" /reg:64
reg_add "$uninstall\\KB5021125" /v ParentKeyName /d "{SQL2019}" /reg:64
reg_add "$uninstall\\Notepad++" /v DisplayName /d "Notepad++ (32-bit x86)" /reg:32
reg_add "$uninstall\\Notepad++" /v DisplayVersion /d "8.5" /reg:32
sql='HKLM\Software\Microsoft\Microsoft SQL Server'
reg_add "$sql\\Instance Names\\SQL" /v PROBE /d "MSSQL15.PROBE" /reg:64
reg_add "$sql\\MSSQL15.PROBE\\Setup" /v Edition /d "Standard Edition (64-bit)" /reg:64
reg_add "$sql\\MSSQL15.PROBE\\Setup" /v Version /d "15.0.2000.5" /reg:64
reg_add 'HKLM\Software\Microsoft\ServerManager\ServicingStorage\ServerComponentCache\Web-Server' \
  /v InstallState /t REG_DWORD /d 1 /reg:64
reg_add 'HKLM\Software\Microsoft\ServerManager\ServicingStorage\ServerComponentCache\Hyper-V' \
  /v InstallState /t REG_DWORD /d 0 /reg:64
# A volume licence key's DigitalProductId4 (the unit tests' fixture, made to the documented layout).
current_version='HKLM\Software\Microsoft\Windows NT\CurrentVersion'
id4="$(tr -d '\n' <"$here/../fixtures/windows/digital_product_id4_gvlk.hex")"
reg_add "$current_version" /v DigitalProductId4 /t REG_BINARY /d "$id4" /reg:64
inetsrv="$WINEPREFIX/drive_c/windows/system32/inetsrv/config"
mkdir -p "$inetsrv"
printf '<configuration><system.applicationHost><sites>\n<site name="Default Web Site" id="1">\n<site name="intranet" id="2">\n</sites></system.applicationHost></configuration>\n' \
  >"$inetsrv/applicationHost.config"
wine sc create 'MSSQL$PROBE' binPath= 'C:\windows\system32\notepad.exe' start= auto \
  >"$WORK/sc.log" 2>&1 || fail "sc create: $(cat "$WORK/sc.log")"
ok "a Windows server's registry entries, IIS configuration and SQL Server service written"

# The agent listens, so the network section has a socket of ours.
port=$(free_port)
start agent wine "$BIN_DIR/sahab-agent.exe" --web.listen-address "0.0.0.0:$port" --collector.service
wait_http "http://127.0.0.1:$port/healthz" 60

curl -fsS --max-time 60 -o "$WORK/inventory.json" "http://127.0.0.1:$port/inventory" ||
  fail "GET /inventory from loopback"
memtotal=$(awk '/^MemTotal:/ {printf "%.0f", $2 * 1024}' /proc/meminfo)
python3 "$here/check_inventory.py" "$WORK/inventory.json" "$(nproc)" "$memtotal" "$port" ||
  fail "the inventory lacks what Wine provides (above)"
ok "every section filled as far as Wine provides: OS, hardware, software, services, features, recognised, listening"

# The licence channel where the registry has none readable: a truncated DigitalProductId4, then
# none at all (a fresh Wine prefix has none); the field stays, empty.
licence_channel() {
  curl -fsS --max-time 60 "http://127.0.0.1:$port/inventory" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["sections"]["system"]["data"]["os"]["licence_channel"])'
}
reg_add "$current_version" /v DigitalProductId4 /t REG_BINARY /d "${id4:0:2200}" /reg:64
[[ "$(licence_channel)" == "" ]] || fail "a truncated DigitalProductId4 gave '$(licence_channel)'"
wine reg delete "$current_version" /v DigitalProductId4 /f /reg:64 >>"$WORK/reg.log" 2>&1 ||
  fail "reg delete DigitalProductId4"
[[ "$(licence_channel)" == "" ]] || fail "no DigitalProductId4 gave '$(licence_channel)'"
ok "os.licence_channel: Volume:GVLK from DigitalProductId4; empty when truncated or absent"

# The service collector (on with --collector.service): each service in exactly one of the eight
# states, the test's automatic but never started MSSQL$PROBE stopped.
curl -fsS --max-time 30 "http://127.0.0.1:$port/metrics" >"$WORK/metrics.txt" || fail "scrape"
python3 - "$WORK/metrics.txt" <<'PY' || fail "windows_service_state (above)"
import collections, re, sys
states = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    m = re.fullmatch(r'windows_service_state\{name="([^"]*)",state="([^"]*)"\} (\S+)\n', line)
    if m:
        states[m[1]][m[2]] = float(m[3])
bad = [n for n, s in states.items() if len(s) != 8 or sorted(s.values()) != [0] * 7 + [1]]
probe = states.get("mssql$probe", {})
if len(states) < 5 or bad or probe.get("stopped") != 1:
    sys.exit(f"{len(states)} services, malformed: {bad}, mssql$probe: {probe}")
PY
ok "windows_service_state: every service in one of eight states, MSSQL\$PROBE stopped"

# /inventory holds installed software and connections: refused to callers from elsewhere.
address=$(hostname -I | tr ' ' '\n' | grep -m1 -E '^[0-9]+\.' || true)
[[ -n "$address" ]] || fail "no non-loopback IPv4 address to call from"
status=$(curl -s -o "$WORK/refused.txt" -w '%{http_code}' --max-time 30 "http://$address:$port/inventory")
[[ "$status" == 403 ]] && grep -q "loopback callers only" "$WORK/refused.txt" ||
  fail "/inventory from $address answered $status: $(cat "$WORK/refused.txt")"
ok "/inventory is refused (403) to a caller from $address"

wine "$PROBE" >"$WORK/tcp_table.hex" || fail "--tcp-table failed"
grep -q . "$WORK/tcp_table.hex" || fail "no TCP table"
ok "the raw TCP table is readable (the form of tests/fixtures/windows/wine_tcp_table.hex)"
# The Windows host dashboard against a real Prometheus scraping the agent under Wine: every
# expression must parse and answer, except those Wine cannot feed (said why).
mkdir -p "$WORK/prometheus"
cat >"$WORK/prometheus/prometheus.yml" <<EOF
global: {scrape_interval: 1s, scrape_timeout: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: windows
    static_configs: [{targets: ["127.0.0.1:$port"]}]
EOF
prom_port=$(free_port)
start prometheus prometheus --config.file "$WORK/prometheus/prometheus.yml" \
  --storage.tsdb.path "$WORK/tsdb" --web.listen-address "127.0.0.1:$prom_port"
wait_http "http://127.0.0.1:$prom_port/-/ready" 60
wine_empty=()
for panel in "Volume throughput" "Volume operations" "Volume busy time"; do
  wine_empty+=(--may-be-empty "sahab-windows-host/$panel=Wine answers no IOCTL_DISK_PERFORMANCE")
done
python3 "$here/../integration/dashboard_queries.py" "http://127.0.0.1:$prom_port" \
  "$here/../../dashboards/grafana" 60 ntfs --uid sahab-windows-host "${wine_empty[@]}" ||
  fail "Windows host dashboard expressions (see above)"
ok "every Windows host dashboard expression answers from a real Prometheus scraping the agent under Wine"

echo "$passed passed, 0 failed"
