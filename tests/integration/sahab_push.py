#!/usr/bin/env python3
"""Test helper speaking the agent side of docs/agent-report-format.md (sahab-ingest/1).

  sahab_push.py enrol URL TOKEN_FILE HOST_ID [HOSTNAME]       prints the credential
  sahab_push.py doc HOST_ID SEQ [--start EPOCH] [--values v,v,..] [--memory v,v,..]
                 [--inventory FILE]                           prints a document
  sahab_push.py load URL CRED HOST_ID FIRST COUNT ACKS_FILE   pushes numbered batches (gzip),
      appending each acknowledged sequence to ACKS_FILE once its 200 arrived; stops at the first
      connection error (the collector was killed) and prints how many were acknowledged.
"""
import gzip, json, math, sys, time, urllib.request, urllib.error

GAMMA = 1.02


def sketch(values):
    out = {}
    for v in values:
        key = "z" if v <= 1e-9 else str(math.ceil(math.log(v) / math.log(GAMMA)))
        out[key] = out.get(key, 0) + 1
    return out


def metric(values):
    return {"count": len(values), "mean": sum(values) / len(values), "max": max(values),
            "sketch": sketch(values)}


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def document(host_id, seq, start=None, values=None, inventory=None, memory=None):
    start = int(start if start is not None else time.time() // 60 * 60)
    values = values or [0.10, 0.20, 0.30, 0.40]
    memory = memory or [0.5] * len(values)
    doc = {"format": "sahab-ingest/1", "host_id": host_id, "sequence": seq,
           "sent_at": iso(time.time()), "agent_version": "test",
           "summaries": [{"start": iso(start), "end": iso(start + 60), "samples": len(values),
                          "metrics": {"cpu_ratio": metric(values),
                                      "memory_ratio": metric(memory)}}]}
    if inventory:
        doc["inventory"] = inventory
    return doc


def post(url, body, headers, timeout=10):
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def main(argv):
    cmd = argv[1]
    if cmd == "enrol":
        url, token_file, host_id = argv[2:5]
        hostname = argv[5] if len(argv) > 5 else host_id
        token = open(token_file).read().strip()
        status, body = post(url + "/api/v1/enrol", json.dumps({"host_id": host_id, "hostname": hostname}).encode(),
                            {"Authorization": "Bearer " + token, "Content-Type": "application/json"})
        if status != 201:
            sys.exit(f"enrol: HTTP {status} {body!r}")
        print(json.loads(body)["credential"])
    elif cmd == "doc":
        host_id, seq = argv[2], int(argv[3])
        opts = dict(zip(argv[4::2], argv[5::2]))
        values = [float(v) for v in opts["--values"].split(",")] if "--values" in opts else None
        memory = [float(v) for v in opts["--memory"].split(",")] if "--memory" in opts else None
        inventory = json.load(open(opts["--inventory"])) if "--inventory" in opts else None
        start = int(opts["--start"]) if "--start" in opts else None
        print(json.dumps(document(host_id, seq, start, values, inventory, memory)))
    elif cmd == "load":
        url, cred, host_id, first, count, acks = argv[2], argv[3], argv[4], int(argv[5]), int(argv[6]), argv[7]
        base = int(time.time()) // 60 * 60 - 86400
        acked = 0
        with open(acks, "a") as out:
            for seq in range(first, first + count):
                body = gzip.compress(json.dumps(document(host_id, seq, base + seq * 60)).encode())
                try:
                    status, reply = post(url + "/api/v1/ingest", body,
                                         {"Authorization": "Bearer " + cred, "Content-Encoding": "gzip",
                                          "Content-Type": "application/json"}, timeout=5)
                except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                    break
                if status == 200 and json.loads(reply)["acknowledged"] == seq:
                    out.write(f"{seq}\n")
                    out.flush()
                    acked += 1
                else:
                    break
        print(acked)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
