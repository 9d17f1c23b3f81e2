#!/usr/bin/env python3
"""For bench/execution_bench.sh: one migrated server and its target as their agents report them
(docs/agent-report-format.md, through tests/integration/sahab_push.py's documents), so one host's
validation is timed on real data: a month of one-minute summaries before the move for the source,
a week after it for the target, and inventories with ports, services and connections.

  execution_pair.py URL ENROLMENT_TOKEN_FILE SOURCE_ID TARGET_ID
"""
import gzip
import json
import os
import sys
import time
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "integration"))
import sahab_push  # noqa: E402

BATCH = 14_400  # summaries per document (the format allows 20,000)


def post(url, body, token, gzipped=False):
    data = json.dumps(body).encode()
    headers = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    if gzipped:
        data, headers["Content-Encoding"] = gzip.compress(data), "gzip"
    with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers), timeout=300) as r:
        return json.loads(r.read())


def inventory(host, address):
    listening = [{"protocol": "tcp", "address": "0.0.0.0", "port": p, "process": "p"} for p in (22, 80, 443, 5432)]
    connections = [{"direction": "outbound", "local_address": address, "local_port": 0,
                    "remote_address": f"10.7.0.{i}", "remote_port": 5432, "process": "app", "count": 1}
                   for i in range(1, 21)]
    services = [{"name": f"s{i}.service", "running": True} for i in range(30)]
    sections = {"hardware": {"nics": [{"name": "eth0", "ipv4": [address + "/24"]}]},
                "network": {"listening": listening, "connections": connections},
                "software": {"services": services}}
    return {"format": "sahab-inventory/1", "full": True,
            "sections": {k: {"hash": f"{host}-{k}", "data": v} for k, v in sections.items()}}


def report(url, token, host, address, days, end):
    cred = post(url + "/api/v1/enrol", {"host_id": host, "hostname": host}, token)["credential"]
    minutes = days * 1440
    for seq, first in enumerate(range(0, minutes, BATCH), start=1):
        doc = sahab_push.document(host, seq, 0, [0.2, 0.3, 0.25, 0.4],
                                  inventory(host, address) if seq == 1 else None, [0.5, 0.55, 0.5, 0.6])
        one = doc["summaries"][0]
        doc["summaries"] = [dict(one, start=sahab_push.iso(end - (minutes - m) * 60),
                                 end=sahab_push.iso(end - (minutes - m - 1) * 60))
                            for m in range(first, min(first + BATCH, minutes))]
        post(url + "/api/v1/ingest", doc, cred, gzipped=True)


def main(url, token_file, source, target):
    token = open(token_file).read().strip()
    now = int(time.time()) // 60 * 60
    report(url, token, source, "10.8.0.1", 30, now - 7 * 86400)
    report(url, token, target, "10.9.0.1", 7, now)


if __name__ == "__main__":
    main(*sys.argv[1:])
