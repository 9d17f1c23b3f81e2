#!/usr/bin/env python3
"""How much of a Grafana dashboard an exporter completes, against node_exporter.

  dashboard_coverage.py DASHBOARD.json AGENT_SCRAPE NODE_EXPORTER_SCRAPE [--min-ratio R]

A panel is complete with an exporter when every node_* name its queries use is in that exporter's
scrape (the names the dashboard's variables and recording rules do not bring in). The ratio is the
share of the panels node_exporter completes that the agent completes too. Prints the ratio and the
panels the agent leaves incomplete, with the names missing; exits 1 below --min-ratio.
Standard library only.
"""
import argparse
import json
import re
import sys

from exposition import load

_NAME = re.compile(r"\bnode_[a-zA-Z0-9_]+")


def panels(items):
    for panel in items:
        yield panel
        yield from panels(panel.get("panels", []))


def panel_names(dashboard):
    """(title, names) of every panel with node_* names in its queries."""
    out = []
    for panel in panels(dashboard.get("panels", [])):
        names = set()
        for target in panel.get("targets", []):
            names |= set(_NAME.findall(target.get("expr", "")))
        if names:
            out.append((panel.get("title", "?"), names))
    return out


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dashboard")
    parser.add_argument("agent")
    parser.add_argument("node")
    parser.add_argument("--min-ratio", type=float, default=0.0)
    args = parser.parse_args(argv)
    with open(args.dashboard, encoding="utf-8") as f:
        dashboard = json.load(f)
    agent, node = set(load(args.agent).samples), set(load(args.node).samples)
    by_node = [(title, names) for title, names in panel_names(dashboard) if names <= node]
    if not by_node:
        print("node_exporter completes no panel: nothing to compare")
        return 1
    incomplete = [(title, names - agent) for title, names in by_node if not names <= agent]
    done = len(by_node) - len(incomplete)
    ratio = done / len(by_node)
    for title, missing in incomplete:
        print(f"incomplete: {title}: {' '.join(sorted(missing))}")
    print(f"agent completes {done} of the {len(by_node)} panels node_exporter completes "
          f"({ratio:.1%})")
    return 0 if ratio >= args.min_ratio else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
