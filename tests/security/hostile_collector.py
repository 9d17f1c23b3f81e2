#!/usr/bin/env python3
"""Hostile clients against a real sahab-collector on loopback (issue #14, docs/security.md).

Usage: hostile_collector.py BIN_DIR

Every attack is replayed and checked for its status code, a message naming the problem, the
process still alive, /healthz answered within 1 s throughout (a watchdog runs the whole time),
RSS under a stated bound, and the store unchanged by rejected requests."""
import http.client
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "integration"))
from hostile_lib import (Slowloris, Watchdog, check, free_port, gz, hwm_kib, main_guard,  # noqa: E402
                         nested, ok, raw, request, status_of, store_digest)
import sahab_push  # noqa: E402

BIN = sys.argv[1]
WORK = tempfile.mkdtemp(prefix="sahab-hostile-")
DB = os.path.join(WORK, "sahab.db")
API_TOKEN = "admin-hostile-0123456789abcdef"
ENROL_TOKEN = "enrol-hostile-0123456789abcdef"
for name, token in (("api.token", API_TOKEN), ("enrol.token", ENROL_TOKEN)):
    with open(os.path.join(WORK, name), "w") as f:
        f.write(token + "\n")
ADMIN = {"Authorization": "Bearer " + API_TOKEN}
PASSWORD = "correct horse battery staple"
PASSWORD_HASH = subprocess.run([f"{BIN}/sahab-collector", "hash-password"], input=PASSWORD + "\n",
                               capture_output=True, text=True, check=True).stdout.strip()
PORT = free_port()
URL = f"http://127.0.0.1:{PORT}"
LOG = open(os.path.join(WORK, "collector.log"), "w+")
proc = None


def start():
    global proc
    proc = subprocess.Popen(
        [f"{BIN}/sahab-collector", "--listen", f"127.0.0.1:{PORT}", "--db", DB,
         "--api-token-file", os.path.join(WORK, "api.token"),
         "--enrolment-token-file", os.path.join(WORK, "enrol.token"),
         "--ui.user", f"alice:admin:{PASSWORD_HASH}", "--ingest.burst", "1000"],
        stdout=LOG, stderr=LOG)
    for _ in range(100):
        try:
            if request(URL + "/healthz", timeout=1)[0] == 200:
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("collector did not start: " + open(LOG.name).read()[-2000:])


def alive(what):
    check(proc.poll() is None, f"{what}: the collector died (exit {proc.returncode}); log: "
          + open(LOG.name).read()[-2000:])


def post(path, body, headers=None, **kw):
    return request(URL + path, "POST", body if isinstance(body, bytes) else body.encode(),
                   headers=headers, **kw)


def ingest(cred, body, extra=None):
    headers = {"Authorization": "Bearer " + cred, "Content-Type": "application/json"}
    headers.update(extra or {})
    return post("/api/v1/ingest", body, headers)


def enrol(host_id):
    status, _, body = post("/api/v1/enrol", json.dumps({"host_id": host_id, "hostname": host_id}),
                           {"Authorization": "Bearer " + ENROL_TOKEN,
                            "Content-Type": "application/json"})
    check(status == 201, f"enrol {host_id}: HTTP {status} {body!r}")
    return json.loads(body)["credential"]


def error_of(body):
    try:
        return json.loads(body).get("error", "")
    except ValueError:
        return body.decode(errors="replace")


def rejected(what, answer, status, word):
    got, _, body = answer
    check(got == status, f"{what}: expected {status}, got {got}: {body[:300]!r}")
    check(word.lower() in error_of(body).lower(),
          f"{what}: the answer does not name '{word}': {body[:300]!r}")


def run():
    start()
    cred = enrol("host-a")
    seq = iter(range(1, 10_000))
    good = sahab_push.document("host-a", next(seq))
    check(ingest(cred, json.dumps(good))[0] == 200, "a good batch is stored")

    # Signed in before the digest: a session is stored (ui_sessions), and signing in is accepted.
    cookie = sign_in()
    with Watchdog(URL + "/healthz") as watchdog:
        before = store_digest(DB)
        rejected_requests(cred, seq)
        cors()
        http_details(cookie)
        check(store_digest(DB) == before, "rejected requests changed the store")
        ok("rejected requests left the store unchanged")
        imports()
    watchdog.verify("during the rejected requests")
    alive("after the rejected requests")
    ok(f"/healthz answered in < 1 s throughout the rejected requests ({watchdog.count} probes, "
       f"slowest {watchdog.slowest:.3f} s)")

    memory_amplification(cred, seq)
    slow_clients()
    stored_documents_survive()
    logfmt_escaping()


def sign_in():
    """alice's session cookie."""
    status, headers, body = post("/api/v1/login", json.dumps({"user": "alice", "password": PASSWORD}),
                                 {"Content-Type": "application/json"})
    check(status == 200, f"sign-in: {status} {body!r}")
    return headers["set-cookie"].split(";")[0]


def rejected_requests(cred, seq):
    doc = lambda: sahab_push.document("host-a", next(seq))  # noqa: E731

    # 1. Deep nesting: refused while parsing, whatever the depth.
    for depth in (150, 600, 100_000):
        d = doc()
        d["inventory"] = {"format": "sahab-inventory/1", "sections": {
            "software": {"hash": "h1", "data": {"packages": "PLACEHOLDER"}}}}
        body = json.dumps(d).replace('"PLACEHOLDER"', nested(depth))
        rejected(f"inventory nested {depth} levels", ingest(cred, body), 400, "nested deeper")
        alive(f"nesting {depth}")
    rejected("deep gzip body", ingest(cred, gz(nested(100_000)), {"Content-Encoding": "gzip"}),
             400, "nested deeper")
    ok("documents nested 150, 600 and 100,000 levels: 400 'nested deeper than ...', still alive")

    # 7. Numbers out of range, invalid UTF-8, NaN.
    d = doc()
    body = json.dumps(d).replace('"mean": ', '"mean": 1e400, "x": ', 1)
    rejected("1e400", ingest(cred, body), 400, "number overflow")
    body = json.dumps(doc()).encode().replace(b"test", b"t\xff\xfet", 1)
    rejected("invalid UTF-8", ingest(cred, body), 400, "UTF-8")
    rejected("NaN", ingest(cred, json.dumps(doc()).replace("0.25", "NaN", 1)), 400,
             "not valid JSON")
    ok("1e400, NaN and invalid UTF-8 in a batch: 400 naming the problem")

    # Hostnames, labels, records, sketches, dates.
    d = doc()
    d["inventory"] = {"format": "sahab-inventory/1", "sections": {
        "identity": {"hash": "h2", "data": {"hostname": "h" * 254}}}}
    rejected("hostname of 254 bytes", ingest(cred, json.dumps(d)), 400, "hostname")
    d["inventory"]["sections"]["identity"]["data"]["hostname"] = "h" * 1_000_000
    rejected("hostname of 1 MB", ingest(cred, json.dumps(d)), 400, "longer than")
    d["inventory"]["sections"]["identity"]["data"] = {
        "hostname": "ok", "labels": {f"l{i}": "v" for i in range(65)}}
    rejected("65 labels", ingest(cred, json.dumps(d)), 400, "more than 64 labels")
    d["inventory"]["sections"] = {"software": {"hash": "h3", "data": {
        "packages": [{"name": "p"}] * 50_001}}}
    rejected("50,001 packages", ingest(cred, json.dumps(d)), 400, "more than 50000 records")
    d = doc()
    d["summaries"][0]["metrics"]["cpu_ratio"]["sketch"] = {"1": 2**63, "2": 2**63}
    d["summaries"][0]["metrics"]["cpu_ratio"]["count"] = 0
    rejected("sketch counts that overflow", ingest(cred, json.dumps(d)), 400, "sketch")
    for date in ("2025-02-31T00:00:00Z", "2025-02-29T00:00:00Z", "2026-04-31T10:00:00Z"):
        d = doc()
        d["summaries"][0]["start"] = date
        rejected(f"date {date}", ingest(cred, json.dumps(d)), 400, "summaries[0].start")
    ok("hostname > 253 bytes, 65 labels, 50,001 records, overflowing sketch counts, "
       "2025-02-31: 400 naming the field")

    # Classic attacks, still refused.
    d = doc()
    d["host_id"] = "../../etc/passwd"
    rejected("../ host id", ingest(cred, json.dumps(d)), 400, "host_id")
    d = doc()
    d["host_id"] = "host-b"
    rejected("another host's id", ingest(cred, json.dumps(d)), 403, "host-b")
    rejected("wrong credential", ingest("0" * 64, json.dumps(doc())), 401, "unknown credential")
    answer = raw(PORT, b"POST /api/v1/ingest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                 + cred.encode() + b"\r\nContent-Length: 9437184\r\n\r\n")
    check(status_of(answer) == 413 and b"exceeds" in answer, f"9 MiB announced: {answer!r}")
    rejected("gzip bomb", ingest(cred, gz(b"\0" * (40 << 20)), {"Content-Encoding": "gzip"}),
             413, "inflates beyond")
    status, _, _ = request(URL + "/api/v1/hosts/..%2f..%2fetc%2fpasswd", headers=ADMIN)
    check(status in (400, 404), f"../ in a host path: got {status}")
    status, _, _ = request(URL + "/api/v1/hosts", headers={"Authorization": "Bearer wrong"})
    check(status == 401, f"wrong API token: got {status}")
    ok("../ paths, another host's id, wrong credentials and tokens, oversize bodies, gzip bombs")

    # Small endpoints have small caps; their bodies go through the same bounded parser.
    login = lambda body: post("/api/v1/login", body, {"Content-Type": "application/json"})  # noqa
    rejected("8 KiB login body", login('{"user": "' + "a" * 8192 + '"}'), 413, "exceeds")
    rejected("deep login body", login(nested(600)), 400, "nested deeper")
    rejected("login 1e400", login('{"user": 1e400, "password": "x"}'), 400, "number overflow")
    status, _, _ = post("/api/v1/plan", nested(600), {**ADMIN, "Content-Type": "application/json"})
    check(status == 400, f"deep what-if body: got {status}")
    ok("login, what-if and other small bodies: capped at a few KiB, bounded parsing")


def imports():
    # Imports: a gzip-encoded import is read, not a 500; not-UTF-8 CSV is a 400.
    fleet = {"format": "sahab-fleet/1", "hosts": [{"id": "imp-1", "hostname": "imp-1",
                                                    "labels": {"note": "'; DROP TABLE hosts; --"}}]}
    status, _, body = post("/api/v1/import", gz(json.dumps(fleet)),
                           {**ADMIN, "Content-Type": "application/json", "Content-Encoding": "gzip"})
    check(status == 200 and json.loads(body)["imported"] == 1,
          f"gzip-encoded import: {status} {body[:200]!r}")
    status, _, body = request(URL + "/api/v1/hosts/imp-1", headers=ADMIN)
    check(status == 200 and json.loads(body)["labels"]["note"] == "'; DROP TABLE hosts; --",
          "SQL text in a label is stored as text")
    ok("a gzip-encoded import is imported; SQL text in labels is stored as text")


def cors():
    for path in ("/api/v1/login", "/api/v1/ingest", "/", "/api/v1/hosts"):
        status, headers, _ = request(URL + path, "OPTIONS", headers={
            "Origin": "https://evil.example", "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type"})
        check(status == 403, f"preflight {path}: got {status}")
        cors_headers = [h for h in headers if h.startswith("access-control-")]
        check(not cors_headers, f"preflight {path} answers {cors_headers}")
    status, headers, _ = request(URL + "/api/v1/hosts", headers={**ADMIN, "Origin": "https://e.x"})
    check(not [h for h in headers if h.startswith("access-control-")], "CORS on a GET")
    ok("cross-origin preflights: 403 and no Access-Control-* header anywhere")


def http_details(cookie):
    status, headers, body = request(URL + "/api/v1/hosts", headers=ADMIN)
    check(status == 200 and headers.get("x-content-type-options") == "nosniff",
          f"JSON answers carry nosniff: {headers}")
    status, headers, body = request(URL + "/healthz", "HEAD")
    check(status == 200 and body == b"" and headers.get("content-length") == "3",
          f"HEAD /healthz: {status} {headers} {body!r}")
    status, _, _ = request(URL + "/api/v1/hosts", "HEAD", headers=ADMIN)
    check(status == 200, f"HEAD /api/v1/hosts: {status}")
    ok("JSON answers carry X-Content-Type-Options: nosniff; HEAD is answered like GET")

    answer = raw(PORT, b"POST /api/v1/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json"
                       b"\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}")
    check(status_of(answer) == 400 and b"more than one" in answer, f"duplicate CL: {answer!r}")
    answer = raw(PORT, b"GET /healthz%00/x HTTP/1.1\r\nHost: x\r\n\r\n")
    check(status_of(answer) == 400 and b"NUL" in answer, f"NUL in path: {answer!r}")
    answer = raw(PORT, b"GET /api/v1/hosts%00.json HTTP/1.1\r\nHost: x\r\n\r\n")
    check(status_of(answer) == 400, f"NUL in path: {answer!r}")
    ok("duplicate Content-Length and a NUL byte in the path: 400")

    # Keep-alive: the announced timeout is honoured by the server (a connection reused just
    # within it works).
    status, headers, _ = request(URL + "/healthz")
    match = re.match(r"timeout=(\d+)", headers.get("keep-alive", ""))
    check(match, f"Keep-Alive announced: {headers}")
    announced = int(match.group(1))
    # A client that reuses its connections just within the announced timeout never finds one
    # closed under it (the server's own timeout is longer), on several connections at once.
    conns = [http.client.HTTPConnection("127.0.0.1", PORT, timeout=5) for _ in range(4)]
    for c in conns:
        c.request("GET", "/healthz")
        c.getresponse().read()
    time.sleep(announced - 0.3)
    for c in conns:
        c.request("GET", "/healthz")  # raises if the server closed the connection meanwhile
        check(c.getresponse().read() == b"ok\n", "reused connection")
        c.close()
    ok(f"answers announce Keep-Alive: {headers['keep-alive']}; connections reused "
       f"{announced - 0.3:.1f} s later still work")

    # CSRF: a session without its CSRF header cannot write.
    status, _, _ = post("/api/v1/enrolment-tokens", json.dumps({"name": "x"}),
                        {"Cookie": cookie, "Content-Type": "application/json"})
    check(status == 403, f"session write without CSRF header: {status}")
    ok("a signed-in session without its CSRF header cannot write (403)")


def memory_amplification(cred, seq):
    """23 KiB of gzip inflating to 24 MiB of {} must be refused before it costs a tree."""
    d = sahab_push.document("host-a", next(seq))
    body = json.dumps(d)[:-1] + ', "padding": [' + ",".join(["{}"] * (8 << 20)) + "]}"
    packed = gz(body)
    before = hwm_kib(proc.pid)
    with Watchdog(URL + "/healthz") as watchdog:
        status, _, reply = ingest(cred, packed, {"Content-Encoding": "gzip"})
    watchdog.verify("during the 24 MiB body")
    grew = (hwm_kib(proc.pid) - before) / 1024
    check(status == 400 and b"values" in reply, f"24 MiB of {{}}: {status} {reply[:200]!r}")
    # Bound: the inflated text (24 MiB) plus a tree of at most 1,000,000 values (~80 MiB).
    check(grew < 160, f"peak RSS grew by {grew:.0f} MiB (bound 160 MiB)")
    alive("memory amplification")
    ok(f"{len(packed) // 1024} KiB of gzip ({len(body) >> 20} MiB of {{}}): 400, peak RSS "
       f"+{grew:.0f} MiB (bound 160)")


def slow_clients():
    """64 idle or trickling sockets from another address must not starve /healthz."""
    for idle in (False, True):
        kind = "idle" if idle else "trickling"
        with Watchdog(URL + "/healthz") as watchdog, Slowloris(PORT, 64, idle=idle):
            time.sleep(12)  # past the 10 s request timeout, so dropped sockets reconnect
        watchdog.verify(f"64 {kind} sockets")
        alive(f"64 {kind} sockets")
        ok(f"/healthz answered in < 1 s (slowest {watchdog.slowest:.3f} s of {watchdog.count}) while 64 {kind} "
           "sockets were open")
    # Keep-alive connections beyond the per-address cap are answered 503 and closed.
    conns = []
    statuses = []
    for _ in range(40):
        c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=5,
                                       source_address=("127.0.0.3", 0))
        c.request("GET", "/healthz")
        r = c.getresponse()
        r.read()
        statuses.append(r.status)
        conns.append(c)
    for c in conns:
        c.close()
    check(statuses.count(200) == 32 and statuses.count(503) == 8,
          f"40 keep-alive connections from one address: {statuses}")
    ok("one address holding 40 keep-alive connections: 32 served, 8 answered 503")


def stored_documents_survive():
    """Documents stored by older versions (nested 300 levels) must not crash any reader."""
    cred = enrol("host-deep")
    check(ingest(cred, json.dumps(sahab_push.document("host-deep", 1)))[0] == 200, "deep host push")
    proc.terminate()
    proc.wait(timeout=20)
    con = sqlite3.connect(DB)
    deep = json.dumps({"packages": json.loads(nested(300))})
    con.execute("INSERT OR REPLACE INTO inventory_current(host_id, section, hash, data, updated_at) "
                "VALUES ('host-deep', 'software', 'old', ?, 1)", (deep,))
    con.execute("INSERT OR REPLACE INTO inventory_current(host_id, section, hash, data, updated_at) "
                "VALUES ('host-deep', 'hardware', 'old', ?, 1)", ('{"x": ' + nested(5000) + "}",))
    con.execute("UPDATE hosts SET labels = ? WHERE id = 'host-deep'",
                ('{"a": ' + nested(300) + "}",))
    # An imported host whose stored document is deeper than the planner's fleet reader takes.
    con.execute("UPDATE hosts SET imported = ? WHERE id = 'imp-1'",
                ('{"id": "imp-1", "hostname": "imp-1", "notes": ' + nested(100) + "}",))
    con.commit()
    con.close()
    start()
    for path in ("/api/v1/hosts/host-deep", "/api/v1/hosts", "/api/v1/fleet",
                 "/api/v1/fleet/summary", "/api/v1/plan/summary", "/api/v1/targets"):
        status, _, body = request(URL + path, headers=ADMIN, timeout=60)
        check(status == 200, f"{path} with deep stored documents: {status} {body[:200]!r}")
        alive(path)
    status, _, body = request(URL + "/api/v1/plan/hosts/imp-1", headers=ADMIN, timeout=60)
    check(status == 200, f"the deep imported host is still planned: {status} {body[:200]!r}")
    ok("documents stored nested 100, 300 and 5,000 levels: host page, hosts, fleet, summary, plan "
       "and targets answer 200; the imported host is still planned")


def logfmt_escaping():
    for _ in range(4):
        post("/api/v1/login", json.dumps({"user": 'x" level=error msg="forged\nts=0', "password": "p"}),
             {"Content-Type": "application/json"})
    LOG.flush()
    line_format = re.compile(r'^ts=\S+ level=(debug|info|warn|error) msg="(?:[^"\\]|\\.)*"$')
    lines = open(LOG.name).read().splitlines()
    bad = [l for l in lines if l and not l.startswith("sahab-") and not line_format.match(l)]
    check(not bad, f"log lines that are not logfmt: {bad[:3]}")
    check(any("forged" in l for l in lines), "the throttled sign-in was logged")
    ok(f"{len(lines)} log lines, all logfmt; a quote and a newline in a user name stay inside msg")


try:
    main_guard(run)
finally:
    if proc and proc.poll() is None:
        proc.terminate()
        proc.wait(timeout=20)
