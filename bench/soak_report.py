#!/usr/bin/env python3
"""The count and the curves of bench/soak.sh, from the files it leaves in OUT_DIR.

    soak_report.py OUT_DIR

acks.txt (simulated agents: host, acknowledged, made), real_agents.txt (host, highest sequence
spooled, acknowledged, rejected, dropped by the spool, still spooled), stored.txt (the store, per
host: highest sequence, batches stored, summary entries) and samples.txt (every 10 s: seconds,
collector RSS in KiB, its pid, database and WAL bytes, then the parts of its memory in KiB: RSS
anonymous, SQLite's, its page caches, malloc in use and free; columns named by the first line).
Exit status 1 when anything acknowledged is missing, anything is stored twice, or a real agent's
counters do not match the store (a batch its spool dropped may be stored: its push timed out
after the collector stored it).
"""
import sys
from pathlib import Path

# Every summary of sahab-bench-ingest holds the ten metrics of the report format: ten entries.
SIMULATED_ENTRIES_PER_BATCH = 10
# RSS counts as flat when its trend after warm-up is under this many MiB per hour.
FLAT_MIB_PER_HOUR = 2.0
# A life's warm-up: its first third, and never less than this. With a plan recomputed every
# minute (soak.sh's PLAN_MAX_AGE) the one-collector hours reach their ceiling 10-20 minutes in
# (docs/benchmarks.md, soak, session 15): a trend read inside that says nothing about a leak.
WARM_UP_SECONDS = 600
# A trend needs at least this much of a life after its warm-up.
JUDGED_SECONDS = 300


def rows(path):
    return [line.split() for line in Path(path).read_text().splitlines() if line.strip()]


def count_simulated(out, stored):
    problems = []
    made = acked = batches = 0
    for host, acknowledged, host_made in rows(out / "acks.txt"):
        acknowledged, host_made = int(acknowledged), int(host_made)
        made += host_made
        acked += acknowledged
        sequence, count, entries = stored.get(host, (0, 0, 0))
        batches += count
        if count < acknowledged or sequence < acknowledged:
            problems.append(f"{host}: {acknowledged} acknowledged, {count} stored (up to {sequence})")
        if count > sequence or entries != SIMULATED_ENTRIES_PER_BATCH * count:
            problems.append(f"{host}: {count} batches up to {sequence}, {entries} summary entries")
    print(f"simulated agents: {made} batches made, {acked} acknowledged, {batches} stored")
    return problems


def count_real(out, stored):
    problems = []
    for host, highest, acked, rejected, dropped, spooled in rows(out / "real_agents.txt"):
        highest, acked, rejected = int(highest), int(float(acked)), int(float(rejected))
        dropped, spooled = int(float(dropped)), int(float(spooled))
        sequence, count, _ = stored.get(host, (0, 0, 0))
        print(f"real agent {host}: {highest} batches spooled, {acked} acknowledged, {rejected} "
              f"refused, {dropped} dropped by the spool, {spooled} waiting; store: {count} "
              f"batches up to {sequence}")
        if highest != acked + rejected + dropped + spooled:
            problems.append(f"{host}: {highest} spooled != acknowledged + refused + dropped + waiting")
        # A push the collector stored but whose answer the agent gave up waiting for stays in the
        # spool; if the spool is full it is dropped from there later: stored, and counted dropped.
        # So the store holds every acknowledged batch, plus at most the dropped ones, no more.
        if not acked <= count <= acked + dropped or sequence != highest:
            problems.append(f"{host}: {acked} acknowledged up to {highest}, store {count} up to {sequence}")
        if sequence - count > dropped + rejected:
            problems.append(f"{host}: {sequence - count} missing in the store, {dropped + rejected} dropped")
        if count > acked:
            print(f"  {count - acked} of the {dropped} batches its spool dropped had been stored "
                  "(their answer came too late for the agent)")
    return problems


def slope_mib_per_hour(points):
    """Least-squares slope of (seconds, KiB) points, in MiB per hour."""
    n = len(points)
    mean_t = sum(t for t, _ in points) / n
    mean_r = sum(r for _, r in points) / n
    var = sum((t - mean_t) ** 2 for t, _ in points)
    if var == 0:
        return 0.0
    cov = sum((t - mean_t) * (r - mean_r) for t, r in points)
    return cov / var * 3600 / 1024


# The parts of the collector's memory samples.txt has besides its RSS (KiB), as the curve names them.
PARTS = [("anon_kib", "anon"), ("sqlite_kib", "sqlite"), ("page_cache_kib", "pcache"),
         ("malloc_in_use_kib", "in_use"), ("malloc_free_kib", "free")]


def floor_points(lives):
    """The lowest RSS of each minute of a process's life: the collector refreshes its plan every
    minute, a transient of ~10 MiB that malloc_trim gives back, so a 10 s sample may fall on
    either side of it; the minima show what stays."""
    minima = {}
    for s in lives:
        minute = int(s["seconds"]) // 60
        point = (int(s["seconds"]), int(s["rss_kib"]))
        if minute not in minima or point[1] < minima[minute][1]:
            minima[minute] = point
    return [minima[m] for m in sorted(minima)]


def print_after_warm_up(lives, warm_up=WARM_UP_SECONDS, window=600):
    """The RSS after the first plan refreshes (mean) and, per 10 minutes of the life, its maximum
    and malloc's heap size (in use + free): what the one-collector runs are compared on."""
    start = int(lives[0]["seconds"])
    after = [int(s["rss_kib"]) / 1024 for s in lives if int(s["seconds"]) - start >= warm_up]
    if not after:
        return
    windows = {}
    for s in lives:
        w = windows.setdefault((int(s["seconds"]) - start) // window, {"rss": [], "heap": []})
        w["rss"].append(int(s["rss_kib"]) / 1024)
        if "-" not in (s.get("malloc_in_use_kib", "-"), s.get("malloc_free_kib", "-")):
            w["heap"].append((int(s["malloc_in_use_kib"]) + int(s["malloc_free_kib"])) / 1024)
    maxima = " / ".join(f"{max(w['rss']):.1f}" + (f" ({max(w['heap']):.1f})" if w["heap"] else "")
                        for _, w in sorted(windows.items()))
    print(f"    RSS mean after {warm_up // 60} min {sum(after) / len(after):.1f} MiB; "
          f"max per {window // 60} min (heap max): {maxima}")


def mib(kib):
    return "-" if kib == "-" else f"{int(kib) / 1024:.1f}"


def curves(out):
    """Prints the RSS curve with the parts of the memory and, per collector process, its trend
    after warm-up: the slope of what follows its first third or its first WARM_UP_SECONDS,
    whichever is longer (the first plans, and the catching-up after a restart), and the same
    slope of each part, to tell what grows. A life with less than JUDGED_SECONDS after its
    warm-up is not judged: the fault soak's 10-minute lives are all warm-up."""
    lines = rows(out / "samples.txt")
    samples = [dict(zip(lines[0], row)) for row in lines[1:]]
    parts = [(key, name) for key, name in PARTS if key in lines[0]]
    print("\nseconds  rss_MiB  db_MiB  wal_MiB" + "".join(f"  {n + '_MiB':>10}" for _, n in parts)
          + "   (every 10 s; '-' while the collector is down)")
    for s in samples:
        size = lambda v: "-" if v == "-" else f"{int(v) / 1048576:.1f}"  # noqa: E731
        print(f"{s['seconds']:>7}  {mib(s['rss_kib']):>7}  {size(s['db_bytes']):>6}  "
              f"{size(s['wal_bytes']):>7}" + "".join(f"  {mib(s.get(k, '-')):>10}" for k, _ in parts))
    processes = {}
    for s in samples:
        if s["rss_kib"] != "-":
            processes.setdefault(s["pid"], []).append(s)
    flat, judged_any = True, False
    print("\ncollector process: seconds alive, RSS first/last/max MiB, slope after warm-up (the "
          f"first third, at least {WARM_UP_SECONDS // 60} min)" + (" and of its parts" if parts else ""))
    for pid, lives in processes.items():
        start = int(lives[0]["seconds"])
        span = int(lives[-1]["seconds"]) - start
        warm_up = max(span // 3, WARM_UP_SECONDS)
        tail = [s for s in lives if int(s["seconds"]) - start >= warm_up]
        slope_of = lambda key: slope_mib_per_hour(  # noqa: E731
            [(int(s["seconds"]), int(s[key])) for s in tail if s.get(key, "-") != "-"])
        judged = span - warm_up >= JUDGED_SECONDS
        slope = slope_of("rss_kib") if judged else 0.0
        judged_any |= judged
        flat &= not judged or slope < FLAT_MIB_PER_HOUR
        rss = [int(s["rss_kib"]) / 1024 for s in lives]
        detail = ", ".join(f"{name} {slope_of(key):+.2f}" for key, name in parts
                           if judged and sum(s.get(key, "-") != "-" for s in tail) >= 3)
        floor = [p for p in floor_points(lives) if p[0] - start >= warm_up]
        floor_slope = f", per-minute minimum {slope_mib_per_hour(floor):+.2f}" if judged else ""
        plans = [s["plans_computed"] for s in lives if s.get("plans_computed", "-") != "-"]
        print(f"  pid {pid}: {span:>5} s, {rss[0]:.1f} / {rss[-1]:.1f} / {max(rss):.1f} MiB, "
              + (f"{slope:+.2f} MiB/h" if judged else "in warm-up, not judged")
              + (f" ({detail}{floor_slope})" if detail else "")
              + (f", {plans[-1]} plans computed" if plans else ""))
        print_after_warm_up(lives)
    wal = [int(s["wal_bytes"]) for s in samples if s["wal_bytes"] != "-"]
    if wal:
        print(f"WAL: max {max(wal) / 1048576:.1f} MiB, at the end {wal[-1] / 1048576:.1f} MiB")
    verdict = ("yes" if flat else "NO") if judged_any else \
        f"not judged (no process lived {(WARM_UP_SECONDS + JUDGED_SECONDS) // 60} min or more)"
    print(f"RSS flat after warm-up (every process judged under {FLAT_MIB_PER_HOUR} MiB/h): {verdict}")


def main():
    out = Path(sys.argv[1])
    stored = {host: (int(s), int(b), int(e)) for host, s, b, e in rows(out / "stored.txt")}
    # A run of real agents alone (tests/integration/collector_fault_real_agents.sh) has no acks.txt
    # (simulated agents) nor samples.txt (the collector's curves): it counts the real agents.
    problems = count_simulated(out, stored) if (out / "acks.txt").exists() else []
    problems += count_real(out, stored)
    if (out / "samples.txt").exists():
        curves(out)
    for problem in problems[:20]:
        print("PROBLEM:", problem)
    print(f"\ncount: {'exact, nothing acknowledged lost, nothing stored twice' if not problems else f'{len(problems)} problems'}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
