#!/usr/bin/env bash
# POST /api/v1/import at the size of a large estate (issue 16's targets: a 20,000-VM RVTools
# workbook previewed in < 5 s and imported in < 10 s on this 2-core machine, collector peak RSS
# < 500 MB; the same for a 20,000-row Azure Migrate CSV). The files are generated with the real
# column layouts: RVTools 4.7 vInfo (the columns in the order a 4.7.1.4 export writes them,
# custom attributes included), vPartition (3 filesystems a VM), vDisk (2 disks a VM), vMetaData;
# Azure Migrate's 27 template columns. Prints the preview (?dry_run=1) and import times and the
# collector's peak RSS (VmHWM) after each.
#
#   bench/import_bench.sh [BIN_DIR] [VMS]      e.g. bench/import_bench.sh build/bin 20000
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$(cd "${1:-$ROOT/build/bin}" && pwd)" VMS="${2:-20000}"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sahab-import-bench.XXXXXX")"
PID=""
cleanup() { [[ -n "$PID" ]] && kill "$PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
echo "admin-token-0123456789abcdef" >"$WORK/admin"
AUTH="Authorization: Bearer $(cat "$WORK/admin")"

python3 - "$WORK" "$VMS" <<'PY'
import sys, zipfile, random
work, vms = sys.argv[1], int(sys.argv[2])
random.seed(16)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
info_header = ["VM", "Powerstate", "Template", "SRM Placeholder", "Config status", "DNS Name",
    "Connection state", "Guest state", "Heartbeat", "Consolidation Needed", "PowerOn",
    "Suspended To Memory", "Suspend time", "Suspend Interval", "Creation date", "Change Version",
    "CPUs", "Overall Cpu Readiness", "Memory", "Active Memory", "NICs", "Disks",
    "Total disk capacity MiB", "Fixed Passthru HotPlug", "min Required EVC Mode Key",
    "Latency Sensitivity", "Op Notification Timeout", "EnableUUID", "CBT", "Primary IP Address",
    "Network #1", "Network #2", "Num Monitors", "Video Ram KiB", "Resource pool", "Folder", "vApp",
    "DAS protection", "FT State", "FT Role", "FT Latency", "FT Bandwidth", "FT Sec. Latency",
    "Vm Failover In Progress", "Provisioned MiB", "In Use MiB", "Unshared MiB", "HA Restart Priority",
    "HA Isolation Response", "HA VM Monitoring", "Cluster rule(s)", "Cluster rule name(s)",
    "Boot Required", "Boot delay", "Boot retry delay", "Boot retry enabled", "Boot BIOS setup",
    "Reboot PowerOff", "EFI Secure boot", "Firmware", "HW version", "HW upgrade status",
    "HW upgrade policy", "HW target", "Path", "Log directory", "Snapshot directory",
    "Suspend directory", "Annotation", "Backup status", "Last backup", "Datacenter", "Cluster",
    "Host", "OS according to the configuration file", "OS according to the VMware Tools",
    "Customization Info", "Guest Detailed Data", "VM ID", "SMBIOS UUID", "VM UUID",
    "VI SDK Server type", "VI SDK API Version", "VI SDK Server", "VI SDK UUID"]
oses = ["Microsoft Windows Server 2019 (64-bit)", "Red Hat Enterprise Linux 8 (64-bit)",
        "Debian GNU/Linux 12 (64-bit)", "Ubuntu Linux (64-bit)"]

def col(i):
    s = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        s = chr(65 + r) + s
    return s

def cell(ref, v):
    if isinstance(v, (int, float)):
        return f'<c r="{ref}"><v>{v}</v></c>'
    v = str(v).replace("&", "&amp;").replace("<", "&lt;")
    return f'<c r="{ref}" t="inlineStr"><is><t>{v}</t></is></c>'

def sheet(rows):
    out = [f'<worksheet xmlns="{MAIN}"><sheetData>']
    for n, row in enumerate(rows, 1):
        out.append(f'<row r="{n}">' + "".join(cell(f"{col(i)}{n}", v) for i, v in enumerate(row) if v != "") + "</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out)

def uuid(i): return f"5034{i:04x}-0000-4000-8000-{i:012x}"
info, part, disk = [info_header], [["VM", "Powerstate", "Template", "SRM Placeholder", "Disk Key", "Disk", "Capacity MiB", "Consumed MiB", "Free MiB", "Free %", "Internal Sort Column", "Annotation", "Datacenter", "Cluster", "Host", "OS according to the configuration file", "OS according to the VMware Tools", "VM ID", "VM UUID", "VI SDK Server", "VI SDK UUID"]], [["VM", "Powerstate", "Template", "SRM Placeholder", "Disk", "Disk Key", "Disk UUID", "Disk Path", "Capacity MiB", "Raw", "Disk Mode", "Sharing mode", "Thin", "Eagerly Scrub", "Split", "Write Through", "Level", "Shares", "Reservation", "Limit", "Controller", "Label", "SCSI Unit #", "Unit #", "Shared Bus", "Path", "Raw LUN ID", "Raw Comp. Mode", "Internal Sort Column", "Annotation", "Datacenter", "Cluster", "Host", "OS according to the configuration file", "OS according to the VMware Tools", "VM ID", "VM UUID", "VI SDK Server", "VI SDK UUID"]]
for i in range(vms):
    name, os_ = f"vm-{i:05d}", random.choice(oses)
    values = {h: "" for h in info_header}
    values.update({"VM": name, "Powerstate": random.choice(["poweredOn"] * 9 + ["poweredOff"]),
        "Template": "False", "DNS Name": f"{name}.commune.ma", "CPUs": random.choice([1, 2, 4, 8]),
        "Memory": random.choice([2048, 4096, 8192, 16384]), "NICs": 1, "Disks": 2,
        "Provisioned MiB": 102400, "In Use MiB": 40960, "Primary IP Address": f"10.{i >> 16}.{(i >> 8) & 255}.{i & 255}",
        "Datacenter": "DC-Rabat", "Cluster": f"CL-{i % 8}", "Host": f"esx-{i % 64}.local",
        "OS according to the configuration file": os_, "OS according to the VMware Tools": os_,
        "VM ID": f"vm-{i}", "VM UUID": uuid(i), "Annotation": "created by the bench",
        "Creation date": 45965.04, "Backup status": "ok", "VI SDK Server": "vcenter.local"})
    info.append([values[h] for h in info_header])
    for k, mount in enumerate(["/", "/var", "/data"]):
        part.append([name, "poweredOn", "False", "False", 2000 + k, mount, 51200, 20480, 30720, 60, "", "", "DC-Rabat", f"CL-{i % 8}", f"esx-{i % 64}.local", os_, os_, f"vm-{i}", uuid(i), "vcenter.local", ""])
    for k in range(2):
        disk.append([name, "poweredOn", "False", "False", f"Hard disk {k + 1}", 2000 + k, "", f"[ds] {name}/{name}_{k}.vmdk", 51200, "False", "persistent", "sharingNone", "True", "False", "", "", "normal", 1000, 0, -1, "SCSI controller 0", f"Hard disk {k + 1}", k, k, "noSharing", "", "", "", "", "", "DC-Rabat", f"CL-{i % 8}", f"esx-{i % 64}.local", os_, os_, f"vm-{i}", uuid(i), "vcenter.local", ""])
meta = [["RVTools major version", "RVTools version", "xlsx creation datetime", "Server"], [4, "4.7.1.4", 45965.04, "vcenter.local"]]
sheets = [("vInfo", info), ("vDisk", disk), ("vPartition", part), ("vMetaData", meta)]
with zipfile.ZipFile(f"{work}/rvtools.xlsx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("xl/workbook.xml", f'<workbook xmlns="{MAIN}" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>' + "".join(f'<sheet name="{n}" sheetId="{k + 1}" r:id="rId{k + 1}"/>' for k, (n, _) in enumerate(sheets)) + "</sheets></workbook>")
    z.writestr("xl/_rels/workbook.xml.rels", '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' + "".join(f'<Relationship Id="rId{k + 1}" Target="worksheets/sheet{k + 1}.xml"/>' for k in range(len(sheets))) + "</Relationships>")
    for k, (_, rows) in enumerate(sheets):
        z.writestr(f"xl/worksheets/sheet{k + 1}.xml", sheet(rows))
azure = ["*Server name", "IP addresses", "*Cores", "*Memory (In MB)", "*OS name", "OS version", "OS architecture", "Server type", "Hypervisor", "CPU utilization percentage", "Memory utilization percentage", "Network adapters", "Network In throughput", "Network Out throughput", "Boot type", "Number of disks", "Storage in use (In GB)"]
for n in (1, 2):
    azure += [f"Disk {n} size (In GB)", f"Disk {n} read throughput (MB per second)", f"Disk {n} write throughput (MB per second)", f"Disk {n} read ops (operations per second)", f"Disk {n} write ops (operations per second)"]
with open(f"{work}/azure.csv", "w", encoding="utf-8") as f:
    f.write(";".join(azure) + "\r\n")
    for i in range(vms):
        f.write(";".join(map(str, [f"srv-{i:05d}", f"10.1.{i >> 8 & 255}.{i & 255}", random.choice([2, 4, 8]), random.choice([4096, 8192]), random.choice(oses), "", "x64", "Virtual", "VMware", "23,5", "61", 1, "1,5", "0,5", "BIOS", 2, 120, 100, 2, 1, 40, 10, 200, 1, "0,5", 20, 5])) + "\r\n")
PY
ls -la "$WORK"/rvtools.xlsx "$WORK"/azure.csv | awk '{print $5, $9}'

# A fresh collector per request (same database): its peak RSS is that request's, not what earlier
# requests left in other threads' malloc arenas.
start_collector() {
  [[ -n "$PID" ]] && { kill "$PID"; wait "$PID" 2>/dev/null || true; }
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  "$BIN/sahab-collector" --listen "127.0.0.1:$port" --db "$WORK/sahab.db" --api-token-file "$WORK/admin" \
    >>"$WORK/collector.log" 2>&1 &
  PID=$!
  URL="http://127.0.0.1:$port"
  until curl -fsS -o /dev/null "$URL/healthz" 2>/dev/null; do sleep 0.1; done
}

# CPU seconds (user + system) the collector has used.
cpu_seconds() { awk -v hz="$(getconf CLK_TCK)" '{print ($14 + $15) / hz}' "/proc/$PID/stat"; }

# post FILE QUERY: prints wall and collector CPU seconds, hosts, created, errors, peak RSS.
post() {
  start_collector
  local start end cpu0
  cpu0=$(cpu_seconds)
  start=$(date +%s.%N)
  curl -fsS -H "$AUTH" --data-binary @"$1" "$URL/api/v1/import$2" >"$WORK/reply.json"
  end=$(date +%s.%N)
  python3 - "$WORK/reply.json" "$start" "$end" "$(grep VmHWM /proc/$PID/status | awk '{print $2}')" \
    "$1$2" "$cpu0" "$(cpu_seconds)" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
print(f"{sys.argv[5].rsplit('/', 1)[-1]:22} {float(sys.argv[3]) - float(sys.argv[2]):6.2f} s wall "
      f"{float(sys.argv[7]) - float(sys.argv[6]):6.2f} s CPU  hosts {len(d['hosts'])}  "
      f"created {d['created']}  unchanged {d['unchanged']}  errors {len(d['errors'])}  "
      f"peak RSS {int(sys.argv[4]) / 1024:.0f} MB")
PY
}
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
post "$WORK/rvtools.xlsx" "?dry_run=1"
post "$WORK/rvtools.xlsx" ""
post "$WORK/rvtools.xlsx" ""
post "$WORK/azure.csv" "?dry_run=1"
post "$WORK/azure.csv" ""
