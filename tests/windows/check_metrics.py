#!/usr/bin/env python3
"""Checks two scrapes of sahab-agent.exe's /metrics (taken a moment apart) for windows_exporter's
names and labels and for values that agree with the machine Wine runs on.

    check_metrics.py FIRST SECOND CPUS MEMTOTAL_BYTES
"""
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "integration"))
import promtext  # noqa: E402

MODES = {"dpc", "idle", "interrupt", "privileged", "user"}
problems = []


def check(condition, message):
    if not condition:
        problems.append(message)


def samples(series, name):
    return {labels: value for (n, labels), value in series.items() if n == name}


def one(series, name):
    found = samples(series, name)
    check(len(found) == 1, f"{name}: expected one unlabelled sample, got {len(found)}")
    return next(iter(found.values()), float("nan"))


def by_label(series, name, label):
    found = samples(series, name)
    check(found, f"{name}: missing")
    out = {}
    for labels, value in found.items():
        keys = dict(labels)
        check(set(keys) == {label}, f"{name}: labels {sorted(keys)}, expected only {label}")
        out[keys.get(label)] = value
    return out


def check_types(meta):
    for name, (_, kind) in meta.items():
        if name.startswith("windows_"):
            want = "counter" if name.endswith("_total") else "gauge"
            check(kind == want, f"{name}: type {kind}, expected {want}")


def check_cpu(first, second, cpus):
    times = samples(second, "windows_cpu_time_total")
    cores = {dict(labels)["core"] for labels in times}
    check(len(cores) == cpus, f"windows_cpu_time_total: {len(cores)} cores, machine has {cpus}")
    for labels, value in times.items():
        keys = dict(labels)
        check(set(keys) == {"core", "mode"}, f"windows_cpu_time_total: labels {sorted(keys)}")
        check(re.fullmatch(r"\d+,\d+", keys["core"]), f"core label {keys['core']!r} is not 'g,n'")
        check(keys["mode"] in MODES, f"unknown mode {keys['mode']!r}")
        check(value >= 0, f"negative cpu time {value}")
        before = first.get(("windows_cpu_time_total", labels))
        check(before is not None and before <= value, f"cpu time went back for {keys}")
    busy = sum(v for labels, v in times.items() if dict(labels)["mode"] in ("idle", "user"))
    check(busy > 0, "no idle or user time at all")
    by_label(second, "windows_cpu_interrupts_total", "core")


def check_memory(series, memtotal):
    total = one(series, "windows_memory_physical_total_bytes")
    check(abs(total - memtotal) <= 0.02 * memtotal,
          f"windows_memory_physical_total_bytes {total} is not MemTotal {memtotal}")
    available = one(series, "windows_memory_available_bytes")
    check(0 < available <= total, f"available {available} not in (0, {total}]")
    check(one(series, "windows_memory_physical_free_bytes") == available, "free != available")
    check(one(series, "windows_memory_commit_limit") >= total, "commit limit below physical")
    check(one(series, "windows_memory_committed_bytes") > 0, "nothing committed")
    check(one(series, "windows_os_visible_memory_bytes") == total, "os visible != physical total")


def check_os(series):
    info = samples(series, "windows_os_info")
    check(len(info) == 1, "windows_os_info: expected one sample")
    for labels in info:
        keys = dict(labels)
        check(set(keys) == {"product", "version", "major_version", "minor_version",
                            "build_number"}, f"windows_os_info labels {sorted(keys)}")
        check(keys.get("product", "").startswith("Microsoft Windows"), f"product {keys}")
        check(keys.get("version") == f"{keys.get('major_version')}.{keys.get('minor_version')}."
              f"{keys.get('build_number')}", f"version {keys}")
    check(one(series, "windows_os_processes") >= 1, "no processes")
    now = one(series, "windows_os_time")
    check(1.7e9 < now < 4.1e9, f"windows_os_time {now}")
    zones = by_label(series, "windows_os_timezone", "timezone")
    check(all(zones), "empty timezone label")
    boot = one(series, "windows_system_system_up_time")
    check(0 < boot <= now, f"boot time {boot} not before now {now}")
    check(one(series, "windows_system_threads") >= 1, "no threads")
    one(series, "windows_system_context_switches_total")
    one(series, "windows_system_system_calls_total")


def check_disks_and_nics(series):
    sizes = by_label(series, "windows_logical_disk_size_bytes", "volume")
    free = by_label(series, "windows_logical_disk_free_bytes", "volume")
    check("C:" in sizes, f"no C: volume in {sorted(sizes)}")
    for volume, size in sizes.items():
        check(re.fullmatch(r"[A-Z]:", volume or ""), f"volume label {volume!r}")
        check(0 < size and 0 <= free.get(volume, -1) <= size, f"{volume}: free/size")
    received = by_label(series, "windows_net_bytes_received_total", "nic")
    sent = by_label(series, "windows_net_bytes_sent_total", "nic")
    totals = by_label(series, "windows_net_bytes_total", "nic")
    check("lo" not in received, "the loopback interface is reported")
    for nic in received:
        check(re.fullmatch(r"[A-Za-z0-9_]+", nic or ""), f"nic label {nic!r} not mangled")
        check(totals.get(nic) == received[nic] + sent.get(nic, 0), f"{nic}: bytes_total")


def main():
    first, _ = promtext.parse(sys.argv[1])
    second, meta = promtext.parse(sys.argv[2])
    check_types(meta)
    check_cpu(first, second, int(sys.argv[3]))
    check_memory(second, float(sys.argv[4]))
    check_os(second)
    check_disks_and_nics(second)
    queue = one(second, "windows_system_processor_queue_length")
    check(queue >= 0 and queue == int(queue), f"processor queue length {queue}")
    for name in ("cpu", "logical_disk", "memory", "net", "os", "system"):
        ok = second.get(("node_scrape_collector_success", frozenset({("collector", name)})))
        check(ok == 1, f"collector {name} did not succeed")
    for problem in problems:
        print("problem:", problem, file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
