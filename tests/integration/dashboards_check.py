#!/usr/bin/env python3
"""Static checks of the shipped Grafana dashboards.

Each dashboard: required keys, a stable uid unique across files, panel ids unique, a `datasource`
template variable used by every panel and target (no __inputs), every $variable defined, the four
expected uids present, rate-like functions over
$__rate_interval. Every PromQL expression (variables substituted) is written out as recording
rules so `promtool check rules` parses it. Usage: dashboards_check.py DASHBOARD_DIR OUT_RULES_FILE
"""
import json
import pathlib
import re
import sys

REQUIRED = ["uid", "title", "panels", "templating", "schemaVersion", "time"]
# The dashboards issue #7 promises, by uid (stable: links and bookmarks use them).
EXPECTED_UIDS = {"sahab-fleet", "sahab-host", "sahab-migration", "sahab-collector",
                 "sahab-migration-progress", "sahab-windows-host"}
GRAFANA_VARIABLES = {"__rate_interval", "__interval", "__range", "__range_s", "__interval_ms"}
VARIABLE_REF = re.compile(r"\$\{?(\w+)")
RATE_LIKE = re.compile(r"\b(rate|irate|increase|delta|deriv)\(([^()]|\([^()]*\))*?\[([^\]]+)\]")
DATASOURCE = {"type": "prometheus", "uid": "${datasource}"}


def substitute(expr):
    expr = expr.replace("$__rate_interval", "1m").replace("$__interval", "1m").replace("$__range", "1h")
    return re.sub(r"\$\{?(\w+)\}?", ".*", expr)


def panels_of(dashboard):
    for panel in dashboard.get("panels", []):
        yield panel
        yield from panel.get("panels", [])  # rows


def check(path, uids, errors, expressions):
    where = path.name
    d = json.loads(path.read_text())
    for key in REQUIRED:
        if key not in d:
            errors.append(f"{where}: missing key '{key}'")
    if "__inputs" in d:
        errors.append(f"{where}: uses __inputs; use a datasource template variable instead")
    if d.get("uid") in uids:
        errors.append(f"{where}: uid '{d.get('uid')}' also used by {uids[d['uid']]}")
    uids[d.get("uid")] = where
    variables = {v.get("name"): v for v in d.get("templating", {}).get("list", [])}
    if variables.get("datasource", {}).get("type") != "datasource":
        errors.append(f"{where}: no 'datasource' variable of type datasource")

    def check_references(what, expr):
        for name in VARIABLE_REF.findall(expr):
            if name not in variables and name not in GRAFANA_VARIABLES:
                errors.append(f"{where}: {what} uses ${name}, which is not a variable of the dashboard")

    for name, v in variables.items():
        if v.get("type") == "query":
            if v.get("datasource") != DATASOURCE:
                errors.append(f"{where}: variable {name} does not use ${{datasource}}")
            q = v.get("query", {})
            q = q.get("query", "") if isinstance(q, dict) else q
            m = re.match(r"label_values\((.*),\s*\w+\)$", q)
            if m:
                expressions.append((f"{where} variable {name}", m.group(1)))
                check_references(f"variable {name}", q)
            else:
                errors.append(f"{where}: variable {name}: expected label_values(SELECTOR, LABEL), got {q!r}")
    ids = set()
    for panel in panels_of(d):
        pid = panel.get("id")
        if pid in ids:
            errors.append(f"{where}: duplicate panel id {pid}")
        ids.add(pid)
        if not all(k in panel.get("gridPos", {}) for k in ("x", "y", "w", "h")):
            errors.append(f"{where}: panel {pid} '{panel.get('title')}' has no complete gridPos")
        if panel.get("type") == "row":
            continue
        if panel.get("datasource") != DATASOURCE:
            errors.append(f"{where}: panel {pid} '{panel.get('title')}' does not use ${{datasource}}")
        if not panel.get("targets"):
            errors.append(f"{where}: panel {pid} '{panel.get('title')}' has no query")
        for target in panel.get("targets", []):
            if target.get("datasource") != DATASOURCE:
                errors.append(f"{where}: panel {pid} target {target.get('refId')} does not use ${{datasource}}")
            expr = target.get("expr", "")
            if not expr:
                errors.append(f"{where}: panel {pid} target {target.get('refId')} has no expr")
                continue
            check_references(f"panel {pid} target {target.get('refId')}", expr)
            for m in RATE_LIKE.finditer(expr):
                if m.group(3) != "$__rate_interval":
                    errors.append(f"{where}: panel {pid}: {m.group(1)}() over [{m.group(3)}], use $__rate_interval")
            expressions.append((f"{where} panel {pid} '{panel.get('title')}' {target.get('refId')}", expr))


def main():
    directory, rules_out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    files = sorted(directory.glob("*.json"))
    if not files:
        print(f"FAIL: no dashboards in {directory}")
        return 1
    errors, uids, expressions = [], {}, []
    for path in files:
        check(path, uids, errors, expressions)
    for uid in sorted(EXPECTED_UIDS - set(uids)):
        errors.append(f"no dashboard with uid '{uid}'")
    lines = ["groups:", "  - name: dashboard-expressions", "    rules:"]
    for i, (where, expr) in enumerate(expressions):
        lines.append(f"      # {where}")
        lines.append(f"      - record: dashboard:expr_{i}")
        lines.append(f"        expr: {json.dumps(substitute(expr))}")
    rules_out.write_text("\n".join(lines) + "\n")
    for e in errors:
        print("FAIL:", e)
    print(f"{len(files)} dashboards, {len(expressions)} expressions, {len(errors)} problems")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
