#!/usr/bin/env python3
"""Compares the agent with node_exporter run as an oracle on the same /proc and /sys trees.

  oracle_compare.py NODE_EXPORTER_SCRAPE AGENT_SCRAPE --collectors a,b [--also PREFIX ...]
      [--min-series N]

Every series node_exporter gives for the listed collectors (its metric names as exposition.py
assigns them to collectors, plus names starting with an --also prefix), and each of those
collectors' node_scrape_collector_success, must be in the agent with the same labels, the same
value and the same HELP and TYPE. Exit status 1 with one line per difference.
"""
import argparse
import sys

from exposition import collector_of
from promtext import parse


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("oracle")
    parser.add_argument("agent")
    parser.add_argument("--collectors", required=True)
    parser.add_argument("--also", action="append", default=[])
    parser.add_argument("--min-series", type=int, default=20)
    args = parser.parse_args(argv)
    collectors = args.collectors.split(",")
    oracle, oracle_meta = parse(args.oracle)
    agent, agent_meta = parse(args.agent)

    problems, compared = [], 0
    for (name, labels), value in sorted(oracle.items(), key=str):
        if name == "node_scrape_collector_success":
            if dict(labels)["collector"] not in collectors:
                continue
        elif not collector_of(name, collectors) and not name.startswith(tuple(args.also)):
            continue
        compared += 1
        got = agent.get((name, labels))
        tolerance = 5.0 if name == "node_time_seconds" else 1e-9 * max(1.0, abs(value))
        if got is None:
            problems.append(f"missing in agent: {name}{dict(labels)}")
        elif abs(got - value) > tolerance:
            problems.append(f"{name}{dict(labels)}: agent {got}, node_exporter {value}")
        elif name != "node_scrape_collector_success" and agent_meta.get(name) != oracle_meta.get(name):
            problems.append(f"{name}: HELP/TYPE {agent_meta.get(name)} != {oracle_meta.get(name)}")
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"compared {compared} series")
    return 1 if problems or compared < args.min_series else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
