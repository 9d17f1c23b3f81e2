#!/usr/bin/env python3
"""Evaluates every PromQL expression of the Grafana dashboards in DIRECTORY through a real
Prometheus' HTTP API (targets and template-variable queries, variables set to real values, then to
"All"): each must parse and, unless allowed to be empty here with the reason, return data. Retries
until DEADLINE_SECONDS pass. Used by dashboards_prometheus.sh (the Linux agents) and
tests/windows/inventory_wine.sh (the Windows agent under Wine).
"""
import argparse, glob, json, os, pathlib, re, sys, time, urllib.parse, urllib.request

args = argparse.ArgumentParser(description=__doc__)
args.add_argument("prometheus")
args.add_argument("directory", type=pathlib.Path)
args.add_argument("deadline_seconds", type=float)
args.add_argument("root_fstype")
args.add_argument("--uid", action="append", default=[], help="only these dashboards")
args.add_argument("--skip-uid", action="append", default=[], help="not these dashboards")
args.add_argument("--may-be-empty", action="append", default=[], metavar="UID/TITLE=WHY",
                  help="a panel that may return nothing here, and why")
args = args.parse_args()
prom, directory, root_fstype = args.prometheus, args.directory, args.root_fstype
deadline = args.deadline_seconds + time.monotonic()
# Grafana's own variables, as it would set them with a 1s scrape interval.
GRAFANA = {"$__rate_interval": "15s", "$__interval": "5s", "$__range": "1m"}
# (dashboard uid, panel title) -> why it may return nothing on a healthy test machine.
MAY_BE_EMPTY = {
    ("sahab-fleet", "Disks filling up (full within 24 h)"): "no filesystem is about to fill on a healthy machine",
}
# Subsystems a machine may lack (virtual machines, containers): their panels may stay empty then.
if not (glob.glob("/sys/class/hwmon/*/temp*_input") or glob.glob("/sys/class/hwmon/*/device/temp*_input")
        or glob.glob("/sys/class/thermal/thermal_zone*/temp")):
    MAY_BE_EMPTY[("sahab-host", "Hardware temperatures")] = "no temperature sensors on this machine"
if not os.path.exists("/proc/sys/net/netfilter/nf_conntrack_count"):
    MAY_BE_EMPTY[("sahab-host", "Connection tracking")] = "nf_conntrack is not loaded"
if not os.path.exists("/proc/pressure/cpu"):
    MAY_BE_EMPTY[("sahab-host", "Pressure stall (PSI)")] = "the kernel has no pressure stall information"
for entry in args.may_be_empty:
    where, why = entry.split("=", 1)
    MAY_BE_EMPTY[tuple(where.split("/", 1))] = why
if root_fstype in ("overlay", "squashfs", "autofs"):  # excluded like node_exporter: no "/" series
    for panel in ("Root filesystem used", "Filesystems"):
        MAY_BE_EMPTY[("sahab-host", panel)] = f"/ is {root_fstype}, which the agent leaves out"


def get(path, **params):
    url = f"{prom}{path}?" + urllib.parse.urlencode(params, doseq=True)
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return json.load(r)
    except urllib.error.HTTPError as e:
        return json.load(e)


def substitute(expr, values):
    for name in sorted(values, key=len, reverse=True):
        expr = expr.replace("${" + name + "}", values[name]).replace("$" + name, values[name])
    for key in sorted(GRAFANA, key=len, reverse=True):
        expr = expr.replace(key, GRAFANA[key])
    return expr


def resolve_variables(dashboard, use_all):
    """Each query variable in order: label_values through the series API, first value (or All)."""
    values, problems = {}, []
    for v in dashboard["templating"]["list"]:
        if v["type"] != "query":
            continue
        q = v["query"]["query"] if isinstance(v["query"], dict) else v["query"]
        m = re.fullmatch(r"label_values\((.*),\s*(\w+)\)", q)
        selector, label = substitute(m.group(1), values), m.group(2)
        answer = get(f"/api/v1/label/{label}/values", **{"match[]": selector})
        found = sorted(x for x in answer.get("data") or [] if x)
        if answer.get("status") != "success" or not found:
            problems.append(f"variable {v['name']}: {q} -> {selector}: {answer.get('error') or 'no values'}")
            values[v["name"]] = "no-such-value"
            continue
        values[v["name"]] = v.get("allValue", ".*") if use_all and v.get("includeAll") else found[0]
    return values, problems


def panels(dashboard):
    for p in dashboard["panels"]:
        yield p
        yield from p.get("panels", [])


def evaluate(use_all):
    """[(required, line)] for every target of every dashboard."""
    results = []
    for path in sorted(directory.glob("*.json")):
        d = json.loads(path.read_text())
        if (args.uid and d["uid"] not in args.uid) or d["uid"] in args.skip_uid:
            continue
        values, problems = resolve_variables(d, use_all)
        results += [(True, f"FAIL {d['uid']}: {p}") for p in problems]
        for p in panels(d):
            for t in p.get("targets", []):
                expr = substitute(t["expr"], values)
                answer = get("/api/v1/query", query=expr)
                key = (d["uid"], p["title"])
                where = f"{d['uid']} / {p['title']} / {t['refId']}"
                if answer.get("status") != "success":
                    results.append((True, f"FAIL {where}: {answer.get('error')}: {expr}"))
                elif answer["data"]["result"]:
                    results.append((False, f"ok   {where}: {len(answer['data']['result'])} series"))
                elif key in MAY_BE_EMPTY:
                    results.append((False, f"ok   {where}: empty, allowed: {MAY_BE_EMPTY[key]}"))
                else:
                    results.append((True, f"FAIL {where}: no data: {expr}"))
    return results


while True:
    results = evaluate(use_all=False) + evaluate(use_all=True)
    failed = [line for bad, line in results if bad]
    if not failed or time.monotonic() > deadline:
        break
    time.sleep(1)
for _, line in results:
    print(line)
print(f"{len(results)} evaluations, {len(failed)} failed")
sys.exit(1 if failed else 0)
