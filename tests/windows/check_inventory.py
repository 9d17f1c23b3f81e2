#!/usr/bin/env python3
"""Checks the Windows inventory document that sahab-agent.exe's /inventory gave under Wine against
what inventory_wine.sh wrote into Wine's registry and against the machine Wine runs on.

    check_inventory.py INVENTORY_JSON CPUS MEMTOTAL_BYTES AGENT_PORT
"""
import hashlib
import json
import re
import sys

problems = []


def check(condition, message):
    if not condition:
        problems.append(message)


path, cpus, memtotal, port = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
doc = json.load(open(path))
check(doc.get("format") == "sahab-inventory/1", f"format {doc.get('format')}")
check(doc.get("full") is True, "full is not true")
sections = doc.get("sections", {})
check(set(sections) == {"identity", "system", "hardware", "software", "network"},
      f"sections {sorted(sections)}")
# Each hash is SHA-256 (Windows' CNG here, mbedTLS on Linux) of the data's canonical JSON: keys
# sorted, no spaces, UTF-8 as is, as nlohmann's dump() writes it.
for name, section in sections.items():
    canonical = json.dumps(section.get("data"), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    check(section.get("hash") == hashlib.sha256(canonical.encode()).hexdigest(),
          f"{name}: hash {section.get('hash')} is not the SHA-256 of its data")
data = {name: s.get("data", {}) for name, s in sections.items()}

identity = data.get("identity", {})
check(re.fullmatch(r"[0-9a-f]{32}", identity.get("host_id", "")), f"host_id {identity.get('host_id')}")
check(identity.get("hostname"), "no hostname")
check(identity.get("listen_address") == f"0.0.0.0:{port}", f"listen_address {identity.get('listen_address')}")

system = data.get("system", {})
os_ = system.get("os", {})
check(os_.get("family") == "windows", f"os.family {os_.get('family')}")
check(os_.get("id") == "windows", f"os.id {os_.get('id')}")
check(os_.get("name", "").startswith("Microsoft Windows") or os_.get("name", "").startswith("Windows"),
      f"os.name {os_.get('name')}")
check(re.fullmatch(r"\d+\.\d+\.\d+", os_.get("version", "")), f"os.version {os_.get('version')}")
check(os_.get("licence_channel") == "Volume:GVLK",
      f"os.licence_channel {os_.get('licence_channel')} (the test wrote a GVLK's DigitalProductId4)")
check(os_.get("build", "").split(".")[0] == os_.get("version", "").split(".")[-1],
      f"os.build {os_.get('build')} against version {os_.get('version')}")
check(system.get("arch") == "x86_64", f"arch {system.get('arch')}")
check(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", system.get("boot_time", "")),
      f"boot_time {system.get('boot_time')}")
check(system.get("kernel", "").startswith("NT "), f"kernel {system.get('kernel')}")
check(system.get("virtualisation_kind") in ("vm", "none"), f"virtualisation_kind {system.get('virtualisation_kind')}")
uuid = system.get("dmi", {}).get("uuid", "")
check(uuid == "" or re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", uuid),
      f"dmi.uuid {uuid!r}")

hardware = data.get("hardware", {})
cpu = hardware.get("cpu", {})
check(cpu.get("threads") == cpus, f"cpu.threads {cpu.get('threads')}, nproc {cpus}")
check(cpu.get("cores", 0) >= 1 and cpu.get("sockets", 0) >= 1, f"cpu {cpu}")
check(abs(hardware.get("memory_bytes", 0) - memtotal) <= memtotal * 0.02,
      f"memory_bytes {hardware.get('memory_bytes')}, MemTotal {memtotal}")
mounts = {f.get("mountpoint"): f for f in hardware.get("filesystems", [])}
check("C:\\" in mounts, f"no C:\\ in {sorted(mounts)}")
for f in mounts.values():
    check(f.get("available_bytes", 0) <= f.get("size_bytes", 0), f"filesystem {f}")
nics = hardware.get("nics", [])
check(nics, "no nics")
check(any(n.get("ipv4") for n in nics), f"no nic with an IPv4 address: {nics}")

software = data.get("software", {})
check(software.get("package_manager") == "windows", f"package_manager {software.get('package_manager')}")
packages = {(p["name"], p["version"], p["arch"]) for p in software.get("packages", [])}
for expected in [("PostgreSQL 15", "15.4-1", "x64"),
                 ("Microsoft SQL Server 2019 (64-bit)", "15.0.2000.5", "x64"),
                 ("Notepad++ (32-bit x86)", "8.5", "x86")]:
    check(expected in packages, f"package {expected} missing from {sorted(packages)}")
names = {p[0] for p in packages}
check("Hidden Component" not in names, "a SystemComponent entry is listed")
check("Security Update for SQL Server" not in names, "an update is listed")
services = {s["name"]: s for s in software.get("services", [])}
probe = services.get("MSSQL$PROBE", {})
check(probe.get("start_type") == "auto" and probe.get("enabled") is True,
      f"service MSSQL$PROBE {probe}")
check(len(services) >= 5, f"only {len(services)} services")
features = {f["name"]: f["evidence"] for f in software.get("features", [])}
check(features == {"Web-Server": "server manager"}, f"features {features}")
recognised = {r["name"]: r for r in software.get("recognised", [])}
sql = recognised.get("sqlserver", {})
check(sql.get("version") == "15.0.2000.5", f"sqlserver {sql}")
for evidence in ["instance PROBE (Standard Edition (64-bit))",
                 "package Microsoft SQL Server 2019 (64-bit)", "service MSSQL$PROBE"]:
    check(evidence in sql.get("evidence", ""), f"sqlserver evidence lacks {evidence!r}: {sql}")
check(recognised.get("postgresql", {}).get("version") == "15.4", f"postgresql {recognised.get('postgresql')}")
check(recognised.get("iis", {}).get("evidence") == "site Default Web Site; site intranet",
      f"iis {recognised.get('iis')}")

network = data.get("network", {})
listening = network.get("listening", [])
ours = [s for s in listening if s.get("port") == port and s.get("protocol") == "tcp"]
check(ours and ours[0].get("address") == "0.0.0.0", f"the agent's port {port} not listening: {listening}")
# Wine: every socket's owning PID is 0, so no process names, and the section says why.
check(all(s.get("process") == "" for s in listening), f"a process name under Wine: {listening}")
check(any("PID 0" in p for p in network.get("problems", [])), f"network problems {network.get('problems')}")

for p in problems:
    print("  " + p)
sys.exit(1 if problems else 0)
