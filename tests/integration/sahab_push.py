#!/usr/bin/env python3
"""Test helper speaking the agent side of docs/agent-report-format.md (sahab-ingest/1).

  sahab_push.py enrol URL TOKEN_FILE HOST_ID [HOSTNAME]       prints the credential
  sahab_push.py doc HOST_ID SEQ [--start EPOCH] [--values v,v,..] [--memory v,v,..]
                 [--inventory FILE]                           prints a document
  sahab_push.py load URL CRED HOST_ID FIRST COUNT ACKS_FILE   pushes numbered batches (gzip),
      appending each acknowledged sequence to ACKS_FILE once its 200 arrived; stops at the first
      connection error (the collector was killed) and prints how many were acknowledged.
  sahab_push.py spool URL CRED HOST_ID FIRST COUNT ACKS_FILE SECONDS   as load, but a batch that
      is not acknowledged (503, connection refused) is sent again, as the agent's spool replays
      it, until SECONDS have passed; prints how many were acknowledged.
  sahab_push.py race HOSTS_FILE COUNT URL...                  every host ("HOST_ID CRED" lines) in
      its own thread pushes batches 1..COUNT, each batch to every URL at the same instant (an
      agent's replay reaching another collector), each URL again after a 503 until it answers 200;
      prints {"stored": replies not marked duplicate, "retried": 503s}.
"""
import gzip, json, math, sys, threading, time, urllib.request, urllib.error

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


def push_until_stored(url, body, headers, counts, lock):
    for _ in range(200):
        status, reply = post(url + "/api/v1/ingest", body, headers, timeout=30)
        if status == 200:
            with lock:
                counts["stored"] += 0 if json.loads(reply)["duplicate"] else 1
            return
        if status != 503:
            sys.exit(f"ingest: HTTP {status} {reply!r}")
        with lock:
            counts["retried"] += 1
        time.sleep(0.05)
    sys.exit("ingest: still 503 after 200 tries")


def race(hosts_file, count, urls):
    hosts = [line.split() for line in open(hosts_file) if line.strip()]
    base = int(time.time()) // 3600 * 3600 - 86400
    counts, lock, failed = {"stored": 0, "retried": 0}, threading.Lock(), []

    def one_host(host_id, cred):
        headers = {"Authorization": "Bearer " + cred, "Content-Type": "application/json"}
        for seq in range(1, count + 1):
            body = json.dumps(document(host_id, seq, base + seq * 60)).encode()
            barrier = threading.Barrier(len(urls))

            def send(url):
                barrier.wait()
                try:
                    push_until_stored(url, body, headers, counts, lock)
                except SystemExit as e:
                    failed.append(str(e))
            senders = [threading.Thread(target=send, args=(u,)) for u in urls]
            for t in senders:
                t.start()
            for t in senders:
                t.join()
            if failed:
                return

    threads = [threading.Thread(target=one_host, args=(h, c)) for h, c in hosts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if failed:
        sys.exit(failed[0])
    print(json.dumps(counts))


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
    elif cmd in ("load", "spool"):
        url, cred, host_id, first, count, acks = argv[2], argv[3], argv[4], int(argv[5]), int(argv[6]), argv[7]
        give_up = time.time() + (float(argv[8]) if cmd == "spool" else 0)
        base = int(time.time()) // 60 * 60 - 86400
        acked = 0
        with open(acks, "a") as out:
            for seq in range(first, first + count):
                body = gzip.compress(json.dumps(document(host_id, seq, base + seq * 60)).encode())
                while True:
                    try:
                        status, reply = post(url + "/api/v1/ingest", body,
                                             {"Authorization": "Bearer " + cred, "Content-Encoding": "gzip",
                                              "Content-Type": "application/json"}, timeout=5)
                    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
                        status, reply = 0, b""
                    if status in (0, 503) and time.time() < give_up:
                        time.sleep(0.2)
                        continue
                    break
                if status == 200 and json.loads(reply)["acknowledged"] == seq:
                    out.write(f"{seq}\n")
                    out.flush()
                    acked += 1
                else:
                    break
        print(acked)
    elif cmd == "race":
        race(argv[2], int(argv[3]), argv[4:])
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv)
