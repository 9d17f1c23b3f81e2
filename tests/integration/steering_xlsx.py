#!/usr/bin/python3
"""Checks the weekly steering report's .xlsx workbook in a language (fr, en, ar; zgh reads French
as the HTML report does) against the collector's own JSON and the messages catalogue
(planner/messages.json, steering.*), not the project's code:
- unzipped and its XML read as it is stored (xl/workbook.xml, the sheets' relationships, the
  shared strings): every sheet name and every header cell is the catalogue's word in LANG, none
  is an API field name;
- read with openpyxl: the frozen bold header rows, the summary's figures against
  /api/v1/progress's total, one row per region, province and commune with the same figures,
  amounts stored as numbers in the baseline's currency, the waves in flight, and one row per
  regression the wave's page flags, its rule worded in LANG.

  steering_xlsx.py WORKBOOK PROGRESS_JSON WAVE_JSON LANG
"""
import json
import os
import posixpath
import sys
import xml.etree.ElementTree as ET
import zipfile

import openpyxl

MESSAGES = os.path.join(os.path.dirname(__file__), "..", "..", "planner", "messages.json")
NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
      "p": "http://schemas.openxmlformats.org/package/2006/relationships"}
SHEETS = ["summary", "by_region", "by_province", "by_commune", "waves_in_flight", "regressions"]
PLACES = ("region", "province", "commune")
FIGURES = ("hosts", "moving_hosts", "moved", "validated", "retired", "planned_monthly_cost",
           "committed_monthly_cost", "retired_on_premises_monthly_cost")
STATES = ("planned", "scheduled", "in_progress", "cut_over", "validated", "retired", "blocked", "rolled_back")
REGRESSION = ("host", "hostname", "region", "wave", "target", "rule", "subject", "detail")


def wording(lang):
    catalogue = json.load(open(MESSAGES, encoding="utf-8"))
    code = "fr" if lang == "zgh" else lang
    return lambda key: catalogue["steering." + key][code]


def expected_headers(word):
    """Each sheet's header row as the catalogue words it (word = lambda key: key: the API's names)."""
    return {
        "summary": [word("figure"), word("value")],
        "by_region": [word(k) for k in PLACES[:1] + FIGURES],
        "by_province": [word(k) for k in PLACES[:2] + FIGURES],
        "by_commune": [word(k) for k in PLACES + FIGURES],
        "waves_in_flight": [word("wave"), word("hosts")] + [word("state." + s) for s in STATES],
        "regressions": [word(k) for k in REGRESSION],
    }


def stored_sheets(path):
    """(sheet name, header row texts) in workbook order, from the zip's XML as stored."""
    with zipfile.ZipFile(path) as z:
        strings = []
        if "xl/sharedStrings.xml" in z.namelist():
            for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
                strings.append("".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")))
        targets = {rel.get("Id"): rel.get("Target")
                   for rel in ET.fromstring(z.read("xl/_rels/workbook.xml.rels")).findall("p:Relationship", NS)}
        out = []
        for sheet in ET.fromstring(z.read("xl/workbook.xml")).find("m:sheets", NS):
            part = posixpath.normpath(posixpath.join("xl", targets[sheet.get(f"{{{NS['r']}}}id")]))
            row = ET.fromstring(z.read(part)).find("m:sheetData/m:row", NS)
            cells = []
            for c in row.findall("m:c", NS):
                if c.get("t") == "s":
                    cells.append(strings[int(c.find("m:v", NS).text)])
                elif c.get("t") == "inlineStr":
                    cells.append("".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t")))
                else:
                    raise AssertionError(f"{sheet.get('name')}: header cell {c.get('r')} is not text")
            out.append((sheet.get("name"), cells))
        return out


def rows(sheet):
    values = list(sheet.iter_rows(values_only=True))
    return values[0], values[1:]


def near(a, b):
    return abs(a - b) <= 0.01


def check_words(path, word, lang):
    headers = expected_headers(word)
    stored = stored_sheets(path)
    names = [word(k) for k in SHEETS]
    assert [name for name, _ in stored] == names, ([name for name, _ in stored], names)
    api_names = expected_headers(lambda key: key.split(".")[-1])
    for key, (name, cells) in zip(SHEETS, stored):
        assert cells == headers[key], (name, cells, headers[key])
        # Not the API's field names (English's words are, for two sheets: "figure", "value").
        assert lang == "en" or cells != api_names[key], (name, "the API's field names", cells)
        if lang == "ar":  # every word Arabic (a Latin one would be a word left untranslated)
            assert all(any("\u0600" <= ch <= "\u06ff" for ch in text) for text in cells + [name]), (name, cells)


def main(workbook, progress_file, wave_file, lang):
    word = wording(lang)
    check_words(workbook, word, lang)
    book = openpyxl.load_workbook(workbook)
    progress, wave = json.load(open(progress_file)), json.load(open(wave_file))
    sheet = {key: book[word(key)] for key in SHEETS}
    for s in book.worksheets:
        assert s.freeze_panes == "A2", (s.title, s.freeze_panes)
        assert all(c.font.b for c in s[1] if c.value is not None), f"{s.title}: header not bold"
    key_of = {word(k): k for k in PLACES + FIGURES + REGRESSION}

    total = progress["total"]
    _, summary = rows(sheet["summary"])
    figures = dict(summary)
    expected = {"hosts": total["hosts"], "moving_hosts": total["moving_hosts"], "moved": total["moved"],
                "validated": total["states"]["validated"], "retired": total["retired_servers"],
                "waves": 1, "hosts_with_regressions": wave["regressions"]}
    for key, value in expected.items():
        assert figures[word(key)] == value, (key, figures[word(key)], value)
    for key in ("planned_monthly_cost", "committed_monthly_cost", "retired_on_premises_monthly_cost"):
        assert isinstance(figures[word(key)], (int, float)) and near(figures[word(key)], total[key]), (key, figures)
    money_row = [r for r in sheet["summary"].iter_rows(min_row=2) if r[0].value == word("planned_monthly_cost")][0]
    assert f'"{progress["currency"]}"' in money_row[1].number_format, money_row[1].number_format

    for key, level, depth in (("by_region", "regions", 1), ("by_province", "provinces", 2),
                              ("by_commune", "communes", 3)):
        header, body = rows(sheet[key])
        assert len(body) == len(progress[level]), (key, len(body))
        for row, entry in zip(body, progress[level]):
            assert tuple(row[:depth]) == tuple(entry[p] for p in PLACES[:depth]), (row, entry)
            record = {key_of[h]: v for h, v in zip(header, row)}
            assert record["hosts"] == entry["hosts"] and record["retired"] == entry["retired_servers"]
            assert record["validated"] == entry["states"]["validated"]
            assert near(record["planned_monthly_cost"], entry["planned_monthly_cost"]), (record, entry)
            assert near(record["committed_monthly_cost"], entry["committed_monthly_cost"])

    _, waves = rows(sheet["waves_in_flight"])
    assert [r[0] for r in waves] == [wave["wave"]], waves
    in_flight = dict(zip(("wave", "hosts") + STATES, waves[0]))
    assert in_flight["hosts"] == len(wave["hosts"]), in_flight
    for state, n in wave["states"].items():
        assert in_flight[state] == n, (state, in_flight[state], n)

    _, regressions = rows(sheet["regressions"])
    flagged = sorted((h["id"], word("rule." + f["rule"]), f["subject"]) for h in wave["hosts"] if h["validation"]
                     for f in h["validation"]["flags"])
    assert sorted((r[0], r[5], r[6]) for r in regressions) == flagged, (regressions, flagged)
    assert all(isinstance(r[3], (int, float)) for r in regressions), "wave stored as text"


if __name__ == "__main__":
    main(*sys.argv[1:])
