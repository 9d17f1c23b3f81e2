#!/usr/bin/python3
"""Writes a year of migration status history into a stopped collector's store (the API would
stamp every change "now"): every host the active baseline tracks (in a wave or retired in place),
except those of the measured wave, which stays planned for the bulk change the benchmarks time.
Each host is scheduled and re-scheduled, earlier waves moved through to validated and retired,
later ones part of the way, some blocked or rolled back, at dates spread over the past year; the
retired in place are switched off or blocked. Deterministic (seed 1).

  status_history.py DATABASE MEASURED_WAVE      (bench/execution_bench.sh, bench/webui_tti.sh)
"""
import random
import sqlite3
import sys
import time

MOVE = ["scheduled", "in_progress", "cut_over", "validated", "retired"]


def steps_of(wave, strategy):
    # Earlier waves are further along; every host has at least a schedule, most a re-schedule.
    steps = ["scheduled", "scheduled"]
    if strategy == "retire":
        return steps + (["retired"] if random.random() < 0.6 else ["blocked", "scheduled"])
    done = len(MOVE) if wave < 200 else random.randint(1, len(MOVE) - 1)
    steps += MOVE[1:done]
    if random.random() < 0.1 and steps[-1] in ("in_progress", "cut_over"):
        steps += ["rolled_back", "scheduled", "in_progress"]
    if random.random() < 0.1 and steps[-1] == "scheduled":
        steps += ["blocked", "scheduled"]
    return steps


def main(path, measured):
    db = sqlite3.connect(path)
    random.seed(1)
    now = int(time.time())
    baseline = db.execute("SELECT MAX(id) FROM baselines").fetchone()[0]
    hosts = db.execute("SELECT host_id, wave, strategy FROM baseline_hosts WHERE baseline_id = ? "
                       "AND (wave > 0 OR strategy = 'retire') AND wave <> ?", (baseline, measured)).fetchall()
    history = 0
    for host, wave, strategy in hosts:
        at, state = now - 365 * 86400 + random.randint(0, 30 * 86400), "planned"
        for to in steps_of(wave, strategy):
            at += random.randint(86400, 20 * 86400)
            date = time.strftime("%Y-%m-%d", time.gmtime(at + 14 * 86400)) if to == "scheduled" else ""
            cur = db.execute("INSERT INTO migration_history(baseline_id, host_id, from_state, to_state, "
                             "scheduled_for, note, actor, at) VALUES (?, ?, ?, ?, ?, 'bench', 'paul', ?)",
                             (baseline, host, state, to, date, min(at, now)))
            history += 1
            db.execute("INSERT INTO migration_status(host_id, state, scheduled_for, note, changed_by, "
                       "changed_at, version) VALUES (?, ?, ?, 'bench', 'paul', ?, ?) ON CONFLICT(host_id) "
                       "DO UPDATE SET state = excluded.state, scheduled_for = CASE WHEN "
                       "excluded.scheduled_for <> '' THEN excluded.scheduled_for ELSE scheduled_for END, "
                       "changed_at = excluded.changed_at, version = excluded.version",
                       (host, to, date, min(at, now), cur.lastrowid))
            state = to
    db.commit()
    print(f"history: {history} changes of {len(hosts)} hosts over the past year")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
