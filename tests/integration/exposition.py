#!/usr/bin/env python3
"""Parses the Prometheus text exposition format and compares sahab-agent with node_exporter.

Standard library only. Used by agent_vs_node_exporter.sh:

  exposition.py compare --agent-collectors cpu,meminfo --node-collectors cpu,meminfo,stat \
      AGENT1 NODE1 AGENT2 NODE2

The four files are scrapes taken one after the other in that order. Because the reads are
interleaved, a counter that node_exporter read must lie between the agent's two reads of it (and
the agent's second read between node_exporter's two), so counters are checked exactly, not with a
guessed tolerance. Gauges get the same "between" check plus a slack that is zero for stable values
and sized for the value's natural movement for fast-moving ones (free memory, running processes).

Exit status: 0 when everything agrees, 1 with one line per problem otherwise, 2 on unreadable or
malformed input.
"""
import argparse
import math
import re
import sys

MIB = 1 << 20

# --- parsing -------------------------------------------------------------------------------------

_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
_SAMPLE = re.compile(r"^(" + _NAME + r")(\{.*\})?\s+(\S+)(\s+-?\d+)?$")
_LABEL_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
_ESCAPES = {"\\": "\\", '"': '"', "n": "\n"}


class ParseError(ValueError):
    pass


def _parse_labels(text, where):
    """Parses '{a="x",b="y"}' into a tuple of sorted (name, value) pairs."""
    labels = {}
    i, end = 1, len(text) - 1
    while i < end:
        match = _LABEL_NAME.match(text, i)
        if not match or text[match.end():match.end() + 2] != '="':
            raise ParseError(f"{where}: bad label at column {i}")
        name = match.group(0)
        i = match.end() + 2
        value = []
        while True:
            if i >= end:
                raise ParseError(f"{where}: unterminated label value")
            c = text[i]
            if c == "\\":
                escaped = _ESCAPES.get(text[i + 1] if i + 1 < end else "")
                if escaped is None:
                    raise ParseError(f"{where}: bad escape in label {name}")
                value.append(escaped)
                i += 2
            elif c == '"':
                i += 1
                break
            else:
                value.append(c)
                i += 1
        if name in labels:
            raise ParseError(f"{where}: label {name} repeated")
        labels[name] = "".join(value)
        if i < end:
            if text[i] != ",":
                raise ParseError(f"{where}: expected ',' after label {name}")
            i += 1
    return tuple(sorted(labels.items()))


def _parse_value(text, where):
    special = {"+Inf": math.inf, "-Inf": -math.inf, "NaN": math.nan}
    if text in special:
        return special[text]
    try:
        return float(text)
    except ValueError:
        raise ParseError(f"{where}: bad value {text!r}") from None


class Scrape:
    """One scrape: metric types by family and sample values by (name, labels)."""

    def __init__(self, text, source="<text>"):
        self.types = {}    # family name -> counter|gauge|untyped|...
        self.samples = {}  # sample name -> {labels tuple -> value}
        for number, line in enumerate(text.splitlines(), 1):
            where = f"{source}:{number}"
            if not line.strip():
                continue
            if line.startswith("#"):
                parts = line.split(None, 3)
                if len(parts) >= 4 and parts[1] == "TYPE":
                    self.types[parts[2]] = parts[3].strip()
                continue
            match = _SAMPLE.match(line)
            if not match:
                raise ParseError(f"{where}: not a sample line: {line!r}")
            name, labels_text, value_text = match.group(1), match.group(2), match.group(3)
            labels = _parse_labels(labels_text, where) if labels_text else ()
            series = self.samples.setdefault(name, {})
            if labels in series:
                raise ParseError(f"{where}: duplicate series {name}{format_labels(labels)}")
            series[labels] = _parse_value(value_text, where)

    def type_of(self, sample_name):
        if sample_name in self.types:
            return self.types[sample_name]
        for suffix in ("_bucket", "_sum", "_count"):
            if sample_name.endswith(suffix) and sample_name[: -len(suffix)] in self.types:
                return self.types[sample_name[: -len(suffix)]]
        return "untyped"

    def value(self, name, labels=()):
        return self.samples.get(name, {}).get(labels)


def format_labels(labels):
    return "{" + ",".join(f'{k}="{v}"' for k, v in labels) + "}" if labels else ""


def load(path):
    with open(path, encoding="utf-8") as f:
        return Scrape(f.read(), path)


# --- comparison rules ----------------------------------------------------------------------------


class Rule:
    """How one kind of series is compared.

    slack(scrape, value) is the absolute deviation allowed beyond the interval spanned by the other
    exporter's two reads. volatile: a label set may come and go between reads (a connection state
    with no sockets, a process state nobody is in), so a missing series counts as 0.
    compare_values=False: only the label sets must match (durations of the exporters' own work).
    """

    def __init__(self, pattern, why, abs_slack=0.0, rel_slack=1e-12, memory_share=0.0,
                 volatile=False, compare_values=True):
        self.pattern = re.compile(pattern)
        self.why = why
        self.abs_slack = abs_slack
        self.rel_slack = rel_slack
        self.memory_share = memory_share
        self.volatile = volatile
        self.compare_values = compare_values

    def slack(self, scrape, value):
        memory = scrape.value("node_memory_MemTotal_bytes") or 0.0
        return self.abs_slack + self.rel_slack * abs(value) + self.memory_share * memory


# First match wins; patterns are matched against 'name{labels}'.
RULES = [
    Rule(r"node_scrape_collector_duration_seconds\{", "each exporter's own timing",
         compare_values=False),
    Rule(r"node_scrape_collector_success\{", "checked by check_success", compare_values=False),
    Rule(r"node_cpu(_guest)?_seconds_total\{", "the kernel's idle/iowait can step back; "
         "node_exporter then keeps its older, higher value", abs_slack=0.5),
    Rule(r"node_memory_(MemTotal|SwapTotal|VmallocTotal|CommitLimit|Hugepagesize)_bytes$",
         "fixed at boot"),
    Rule(r"node_memory_\w+_bytes$", "moves with every allocation on a busy machine",
         abs_slack=32 * MIB, memory_share=0.005),
    Rule(r"node_load(1|5|15)$", "updated every 5 s; at most one update between reads",
         abs_slack=0.05, rel_slack=0.02),
    Rule(r"node_procs_(running|blocked)$", "instantaneous scheduler state",
         abs_slack=8, rel_slack=0.5),
    Rule(r"node_processes_(pids|threads)$", "processes start and stop",
         abs_slack=50, rel_slack=0.1),
    Rule(r"node_processes_(state|threads_state)\{", "instantaneous process states",
         abs_slack=50, rel_slack=0.5, volatile=True),
    Rule(r"node_tcp_connection_states\{.*state=\"(rx|tx)_queued_bytes\"",
         "bytes in flight in socket queues", abs_slack=4 * MIB, volatile=True),
    Rule(r"node_tcp_connection_states\{", "connections open and close",
         abs_slack=50, rel_slack=0.2, volatile=True),
    Rule(r"node_filesystem_(free|avail)_bytes\{", "other processes write files",
         abs_slack=256 * MIB, rel_slack=0.01),
    Rule(r"node_filesystem_files_free\{", "other processes create files",
         abs_slack=10000, rel_slack=0.01),
    Rule(r"node_disk_io_now\{", "requests in flight", abs_slack=64),
    Rule(r"node_filefd_allocated$", "files open and close", abs_slack=200, rel_slack=0.1),
    Rule(r"node_sockstat_\w+_mem_bytes$", "socket buffer memory", abs_slack=4 * MIB),
    Rule(r"node_sockstat_\w+_(mem|memory)$", "socket buffer memory (pages, bytes)",
         abs_slack=4 * MIB / 4096, rel_slack=0.5),
    Rule(r"node_sockstat_", "sockets open and close", abs_slack=50, rel_slack=0.2),
    Rule(r"node_netstat_Tcp_CurrEstab$", "connections open and close", abs_slack=50, rel_slack=0.2),
    Rule(r"node_nf_conntrack_entries$", "tracked flows come and go", abs_slack=100, rel_slack=0.2),
    Rule(r"node_arp_entries\{", "neighbours come and go", abs_slack=4, volatile=True),
    Rule(r"node_udp_queues\{", "datagrams in flight", abs_slack=4 * MIB),
    Rule(r"node_entropy_available_bits$", "the pool fills and drains", abs_slack=256),
    Rule(r"node_timex_(offset|maxerror|estimated_error)_seconds$",
         "the clock discipline updates every second", abs_slack=0.1),
    Rule(r"node_timex_frequency_adjustment_ratio$", "the clock discipline adjusts the frequency",
         abs_slack=1e-4),
    Rule(r".*", "exact (only float formatting may differ)"),
]


def rule_for(name, labels):
    key = name + format_labels(labels)
    return next(r for r in RULES if r.pattern.match(key))


# Metric name prefixes per node_exporter collector, to say which collector a missing name
# belongs to. Collectors not listed own "node_<name>_".
COLLECTOR_PREFIXES = {
    "cpu": ["node_cpu_"],
    "meminfo": ["node_memory_"],
    "loadavg": ["node_load"],
    "stat": ["node_boot_time_seconds", "node_context_switches_total", "node_forks_total",
             "node_intr_total", "node_procs_"],
    "filesystem": ["node_filesystem_"],
    "diskstats": ["node_disk_"],
    "netdev": ["node_network_"],
    "uname": ["node_uname_"],
    "os": ["node_os_"],
    "time": ["node_time_"],
    "dmi": ["node_dmi_"],
    "tcpstat": ["node_tcp_"],
    "processes": ["node_processes_"],
    "conntrack": ["node_nf_conntrack_"],
    "udp_queues": ["node_udp_queues"],
    "netclass": ["node_network_"],
    "thermal_zone": ["node_thermal_zone_", "node_cooling_device_"],
    "cpufreq": ["node_cpu_frequency_", "node_cpu_scaling_"],
    "mdadm": ["node_md_"],
    "powersupplyclass": ["node_power_supply_"],
    "tapestats": ["node_tape_"],
}

# Series about the exporter process itself, not the machine: never compared.
NOT_MACHINE = re.compile(r"^(go_|process_|promhttp_|node_exporter_build_info$|sahab_)")
SCRAPE_META = re.compile(r"^node_scrape_collector_")


def collector_of(name, collectors):
    """The collector among `collectors` with the longest prefix of `name` (node_cpu_frequency_
    is cpufreq's, not cpu's)."""
    best, best_length = None, 0
    for collector in collectors:
        for prefix in COLLECTOR_PREFIXES.get(collector, [f"node_{collector}_"]):
            if name.startswith(prefix) and len(prefix) > best_length:
                best, best_length = collector, len(prefix)
    return best


# --- comparison ----------------------------------------------------------------------------------


class Report:
    def __init__(self):
        self.problems = []
        self.compared = 0

    def problem(self, text):
        self.problems.append(text)


def _within(value, low, high, slack):
    return low - slack <= value <= high + slack


def _same_float(a, b):
    return a == b or (math.isnan(a) and math.isnan(b))


def _series_values(scrape, name, labels, volatile):
    value = scrape.value(name, labels)
    if value is None and volatile:
        return 0.0
    return value


def compare_series(report, name, labels, agent, node):
    """agent and node are (first, second) scrapes of each exporter, read in the order
    agent[0], node[0], agent[1], node[1]."""
    rule = rule_for(name, labels)
    if not rule.compare_values:
        return
    a1, a2 = (_series_values(s, name, labels, rule.volatile) for s in agent)
    n1, n2 = (_series_values(s, name, labels, rule.volatile) for s in node)
    series = name + format_labels(labels)
    if None in (a1, a2, n1, n2):
        report.problem(f"{series}: missing from one of the four scrapes "
                       f"(agent {a1}, {a2}; node_exporter {n1}, {n2})")
        return
    report.compared += 1
    if any(math.isnan(v) for v in (a1, a2, n1, n2)):
        if not (_same_float(a1, n1) and _same_float(a2, n2)):
            report.problem(f"{series}: NaN on one side only (agent {a1}, node_exporter {n1})")
        return
    slack = rule.slack(node[0], n1)
    if agent[0].type_of(name) == "counter":
        if a2 < a1 - slack or n2 < n1 - slack:
            report.problem(f"{series}: counter went down (agent {a1} -> {a2}, "
                           f"node_exporter {n1} -> {n2})")
    # node_exporter's first read happened between the agent's two, and the agent's second read
    # between node_exporter's two.
    if not _within(n1, min(a1, a2), max(a1, a2), slack) or \
            not _within(a2, min(n1, n2), max(n1, n2), slack):
        report.problem(f"{series}: values disagree: agent {a1}, {a2}; node_exporter {n1}, {n2} "
                       f"(allowed slack {slack:g}: {rule.why})")


def compare(agent, node, agent_collectors, node_collectors):
    report = Report()
    implemented = set(agent_collectors)
    agent_names = {n for s in agent for n in s.samples if not NOT_MACHINE.match(n)}
    node_names = {n for s in node for n in s.samples if not NOT_MACHINE.match(n)}

    # Names node_exporter has and the agent lacks, by collector.
    missing = {}
    for name in sorted(node_names - agent_names):
        if SCRAPE_META.match(name):
            report.problem(f"{name}: node_exporter's per-collector scrape metric is missing")
            continue
        collector = collector_of(name, node_collectors) or "?"
        missing.setdefault(collector, []).append(name)
    for collector, names in sorted(missing.items()):
        if collector in implemented or collector == "?":
            for name in names:
                report.problem(f"{name}: exposed by node_exporter's {collector} collector, "
                               "missing from the agent")
        else:
            print(f"not yet in the agent ({collector}): {' '.join(names)}")

    for name in sorted(agent_names & node_names):
        agent_type, node_type = agent[0].type_of(name), node[0].type_of(name)
        if agent_type != node_type:
            report.problem(f"{name}: type {agent_type} in the agent, {node_type} in node_exporter")
        labelsets = {}
        for side, scrapes in (("agent", agent), ("node", node)):
            sets = set()
            for scrape in scrapes:
                for labels in scrape.samples.get(name, {}):
                    # node_exporter runs more collectors than the agent implements; compare the
                    # scrape metrics of the shared ones only.
                    if SCRAPE_META.match(name) and dict(labels).get("collector") not in implemented:
                        continue
                    sets.add(labels)
            labelsets[side] = sets
        only_agent = labelsets["agent"] - labelsets["node"]
        only_node = labelsets["node"] - labelsets["agent"]
        for labels in sorted(labelsets["agent"] | labelsets["node"]):
            one_sided = labels in only_agent or labels in only_node
            if one_sided and not rule_for(name, labels).volatile:
                side = "agent" if labels in only_agent else "node_exporter"
                report.problem(f"{name}{format_labels(labels)}: label set only in the {side}")
                continue
            compare_series(report, name, labels, agent, node)

    check_success(report, implemented, agent, node)
    return report


def check_success(report, implemented, agent, node):
    """The agent's collectors must succeed wherever node_exporter's do. Where node_exporter's
    fails (dmi on a machine without /sys/class/dmi), the agent may report either."""
    for collector in sorted(implemented):
        labels = (("collector", collector),)
        node_ok = [s.value("node_scrape_collector_success", labels) for s in node]
        agent_ok = [s.value("node_scrape_collector_success", labels) for s in agent]
        if None in agent_ok:
            report.problem(f"collector {collector}: no node_scrape_collector_success in the agent")
        elif 1 in node_ok and agent_ok != [1, 1]:
            report.problem(f"collector {collector}: fails in the agent ({agent_ok}), "
                           f"succeeds in node_exporter ({node_ok})")
        elif 1 not in node_ok:
            print(f"note: node_exporter's {collector} collector fails on this machine "
                  f"({node_ok}); the agent reports {agent_ok}")


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    cmp_parser = sub.add_parser("compare", help="compare agent and node_exporter scrapes")
    cmp_parser.add_argument("--agent-collectors", required=True,
                            help="comma-separated collectors enabled in the agent")
    cmp_parser.add_argument("--node-collectors", required=True,
                            help="comma-separated collectors enabled in node_exporter")
    cmp_parser.add_argument("scrapes", nargs=4, metavar="FILE",
                            help="AGENT1 NODE1 AGENT2 NODE2, scraped in that order")
    names_parser = sub.add_parser("names", help="print the metric names of a scrape")
    names_parser.add_argument("scrape")
    args = parser.parse_args(argv)

    try:
        if args.command == "names":
            print("\n".join(sorted(load(args.scrape).samples)))
            return 0
        a1, n1, a2, n2 = (load(path) for path in args.scrapes)
    except (OSError, ParseError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    report = compare((a1, a2), (n1, n2), args.agent_collectors.split(","),
                     args.node_collectors.split(","))
    for problem in report.problems:
        print(f"MISMATCH {problem}")
    print(f"{report.compared} series compared, {len(report.problems)} problems")
    return 1 if report.problems or report.compared == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
