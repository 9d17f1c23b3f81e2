#!/usr/bin/python3
"""Checks the weekly steering report's .xlsx workbook against the collector's own JSON, reading it
with openpyxl (not the project's code): the sheets and their frozen bold header rows, the summary's
figures against /api/v1/progress's total, one row per region, province and commune with the same
figures, amounts stored as numbers in the baseline's currency, the waves in flight, and one row per
regression the wave's page flags.

  steering_xlsx.py WORKBOOK PROGRESS_JSON WAVE_JSON
"""
import json
import sys

import openpyxl


def rows(sheet):
    values = list(sheet.iter_rows(values_only=True))
    return values[0], values[1:]


def near(a, b):
    return abs(a - b) <= 0.01


def main(workbook, progress_file, wave_file):
    book = openpyxl.load_workbook(workbook)
    progress, wave = json.load(open(progress_file)), json.load(open(wave_file))
    assert book.sheetnames == ["Summary", "Regions", "Provinces", "Communes", "Waves in flight",
                               "Regressions"], book.sheetnames
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", (sheet.title, sheet.freeze_panes)
        assert all(c.font.b for c in sheet[1] if c.value is not None), f"{sheet.title}: header not bold"

    total = progress["total"]
    header, summary = rows(book["Summary"])
    assert header == ("figure", "value"), header
    figures = dict(summary)
    expected = {"hosts": total["hosts"], "moving_hosts": total["moving_hosts"], "moved": total["moved"],
                "validated": total["states"]["validated"], "retired": total["retired_servers"],
                "waves": 1, "hosts_with_regressions": wave["regressions"]}
    for key, value in expected.items():
        assert figures[key] == value, (key, figures[key], value)
    for key in ("planned_monthly_cost", "committed_monthly_cost", "retired_on_premises_monthly_cost"):
        assert isinstance(figures[key], (int, float)) and near(figures[key], total[key]), (key, figures[key])
    money_row = [r for r in book["Summary"].iter_rows(min_row=2) if r[0].value == "planned_monthly_cost"][0]
    assert f'"{progress["currency"]}"' in money_row[1].number_format, money_row[1].number_format

    for sheet, level, depth in (("Regions", "regions", 1), ("Provinces", "provinces", 2),
                                ("Communes", "communes", 3)):
        header, body = rows(book[sheet])
        places = ("region", "province", "commune")[:depth]
        assert header[:depth] == places and header[depth:depth + 3] == ("hosts", "moving_hosts", "moved"), header
        assert len(body) == len(progress[level]), (sheet, len(body))
        for row, entry in zip(body, progress[level]):
            assert tuple(row[:depth]) == tuple(entry[p] for p in places), (row, entry)
            record = dict(zip(header, row))
            assert record["hosts"] == entry["hosts"] and record["retired"] == entry["retired_servers"]
            assert record["validated"] == entry["states"]["validated"]
            assert near(record["planned_monthly_cost"], entry["planned_monthly_cost"]), (record, entry)
            assert near(record["committed_monthly_cost"], entry["committed_monthly_cost"])

    header, waves = rows(book["Waves in flight"])
    assert header[:3] == ("wave", "hosts", "planned") and "rolled_back" in header, header
    assert [r[0] for r in waves] == [wave["wave"]], waves
    in_flight = dict(zip(header, waves[0]))
    assert in_flight["hosts"] == len(wave["hosts"]), in_flight
    for state, n in wave["states"].items():
        assert in_flight[state] == n, (state, in_flight[state], n)

    header, regressions = rows(book["Regressions"])
    assert header == ("host", "hostname", "region", "wave", "target", "rule", "subject", "detail"), header
    flagged = sorted((h["id"], f["rule"], f["subject"]) for h in wave["hosts"] if h["validation"]
                     for f in h["validation"]["flags"])
    assert sorted((r[0], r[5], r[6]) for r in regressions) == flagged, (regressions, flagged)
    assert all(isinstance(r[3], (int, float)) for r in regressions), "wave stored as text"


if __name__ == "__main__":
    main(*sys.argv[1:])
