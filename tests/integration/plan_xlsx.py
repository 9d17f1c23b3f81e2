#!/usr/bin/python3
"""Checks a plan's .xlsx workbook against the same plan's sahab-plan/1 JSON, reading it with
openpyxl (not the project's own reader): the sheets, their frozen header rows, the columns, one row
per host, move group and wave, numbers stored as numbers, amounts in MAD, and the totals.

  plan_xlsx.py WORKBOOK PLAN_JSON
"""
import json
import sys

import openpyxl


def rows(sheet):
    values = list(sheet.iter_rows(values_only=True))
    return values[0], values[1:]


def column(header, body, name):
    i = header.index(name)
    return [r[i] for r in body]


def near(a, b):
    return abs(a - b) <= max(1, abs(b) * 1e-6)


def main(workbook, plan_file):
    book = openpyxl.load_workbook(workbook)
    plan = json.load(open(plan_file))
    assert book.sheetnames == ["Hosts", "Move groups", "Waves", "Costs"], book.sheetnames
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2", (sheet.title, sheet.freeze_panes)
        assert all(c.font.b for c in sheet[1] if c.value is not None), f"{sheet.title}: header not bold"

    header, hosts = rows(book["Hosts"])
    assert header[:3] == ("id", "hostname", "region") and "monthly_cost" in header, header
    assert column(header, hosts, "id") == [h["id"] for h in plan["hosts"]], "one row per host, in order"
    monthly = column(header, hosts, "monthly_cost")
    assert all(isinstance(v, (int, float)) for v in monthly), "monthly costs stored as text"
    assert near(sum(monthly), plan["totals"]["monthly_cost"]), (sum(monthly), plan["totals"])
    money_cell = book["Hosts"].cell(row=2, column=header.index("monthly_cost") + 1)
    assert '"MAD"' in money_cell.number_format, money_cell.number_format
    cores = column(header, hosts, "vcpu")
    assert all(isinstance(v, (int, float)) for v in cores), "vcpu stored as text"

    header, groups = rows(book["Move groups"])
    assert header[:4] == ("move_group", "name", "wave", "hosts"), header
    assert column(header, groups, "move_group") == [g["id"] for g in plan["move_groups"]], "one row per group"
    assert sum(column(header, groups, "hosts")) == sum(len(g["hosts"]) for g in plan["move_groups"])

    header, waves = rows(book["Waves"])
    assert column(header, waves, "wave") == [w["number"] for w in plan["waves"]], "one row per wave"
    assert near(sum(column(header, waves, "monthly_cost")), sum(w["monthly_cost"] for w in plan["waves"]))

    header, costs = rows(book["Costs"])
    levels = column(header, costs, "level")
    assert levels.count("region") == len(plan["costs"]["by_region"]) and levels.count("commune") == len(plan["costs"]["by_commune"])
    total = costs[-1]
    assert total[0] == "total" and total[1] == plan["currency"], total
    assert near(total[header.index("monthly_cost")], plan["totals"]["monthly_cost"]), total
    assert near(total[header.index("one_time_cost")], plan["totals"]["one_time_cost"]), total


if __name__ == "__main__":
    main(*sys.argv[1:])
