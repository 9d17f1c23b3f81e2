#!/usr/bin/env python3
"""Hostile clients against a real sahab-agent (issue #14, docs/security.md).

Usage: hostile_agent.py BIN_DIR   (as root: a caller off loopback lives in a network namespace
made for the test, on 198.18.0.0/30, the benchmarking range, torn down at the end)

/inventory and /utilisation are served to loopback only, or to callers with the bearer token of
--web.inventory-token-file; /metrics stays answered within 1 s while 32 idle or trickling sockets
are open; no CORS; the agent stays alive throughout."""
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from hostile_lib import (Slowloris, Watchdog, check, free_port, main_guard, ok,  # noqa: E402
                         request)

BIN = sys.argv[1]
WORK = tempfile.mkdtemp(prefix="sahab-hostile-agent-")
NS = f"sahab-sec-{os.getpid()}"
HOST_SIDE, NS_SIDE = f"sahabh{os.getpid() % 100000}", f"sahabn{os.getpid() % 100000}"
HOST_IP, NS_IP = "198.18.0.1", "198.18.0.2"
PORT = free_port()
TOKEN = "inventory-token-0123456789abcdef"
procs = []


def sh(*args, **kw):
    return subprocess.run(list(args), check=True, capture_output=True, text=True, **kw)


def make_namespace():
    sh("ip", "netns", "add", NS)
    sh("ip", "link", "add", HOST_SIDE, "type", "veth", "peer", "name", NS_SIDE)
    sh("ip", "link", "set", NS_SIDE, "netns", NS)
    sh("ip", "addr", "add", f"{HOST_IP}/30", "dev", HOST_SIDE)
    sh("ip", "link", "set", HOST_SIDE, "up")
    sh("ip", "netns", "exec", NS, "ip", "addr", "add", f"{NS_IP}/30", "dev", NS_SIDE)
    sh("ip", "netns", "exec", NS, "ip", "link", "set", NS_SIDE, "up")


def remove_namespace():
    subprocess.run(["ip", "link", "del", HOST_SIDE], capture_output=True)
    subprocess.run(["ip", "netns", "del", NS], capture_output=True)


def from_namespace(path, token=None):
    """HTTP status of GET path from the namespace (a caller off the agent's loopback)."""
    args = ["ip", "netns", "exec", NS, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
            "--max-time", "5"]
    if token:
        args += ["-H", f"Authorization: Bearer {token}"]
    return int(sh(*args, f"http://{HOST_IP}:{PORT}{path}").stdout)


def start_agent(*extra):
    log = open(os.path.join(WORK, "agent.log"), "a")
    p = subprocess.Popen([f"{BIN}/sahab-agent", "--web.listen-address",
                          f"127.0.0.1:{PORT},{HOST_IP}:{PORT}", "--state.dir", WORK, *extra],
                         stdout=log, stderr=log)
    procs.append(p)
    for _ in range(100):
        try:
            if request(f"http://127.0.0.1:{PORT}/healthz", timeout=1)[0] == 200:
                return p
        except OSError:
            time.sleep(0.1)
    raise AssertionError("agent did not start: " + open(log.name).read()[-2000:])


def stop(p):
    p.terminate()
    p.wait(timeout=20)


def run():
    make_namespace()
    agent = start_agent()
    local = f"http://127.0.0.1:{PORT}"
    for path in ("/inventory", "/utilisation", "/metrics", "/healthz"):
        status, _, _ = request(local + path, timeout=30)
        check(status == 200, f"loopback {path}: {status}")
    for path, want in (("/metrics", 200), ("/healthz", 200), ("/inventory", 403),
                       ("/utilisation", 403)):
        got = from_namespace(path)
        check(got == want, f"{path} from {NS_IP} without a token: expected {want}, got {got}")
    ok("by default /inventory and /utilisation answer loopback only (403 from another address); "
       "/metrics and /healthz answer everyone")

    status, headers, _ = request(local + "/inventory", "OPTIONS", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "GET"})
    check(status == 403 and not [h for h in headers if h.startswith("access-control-")],
          f"agent preflight: {status} {headers}")
    status, headers, _ = request(local + "/inventory", timeout=30)
    check(headers.get("x-content-type-options") == "nosniff", f"agent nosniff: {headers}")
    status, _, _ = request(local + "/metrics", "POST", body=b"x" * 100)
    check(status in (405, 413), f"agent POST: {status}")
    ok("agent: cross-origin preflight 403 without CORS headers, nosniff, no request bodies")

    with Watchdog(local + "/metrics") as watchdog:
        for idle in (False, True):
            with Slowloris(PORT, 32, idle=idle):
                time.sleep(7)  # past the agent's 5 s request timeout
    watchdog.verify("32 slow sockets")
    check(agent.poll() is None, "agent died under slow clients")
    ok(f"/metrics answered in < 1 s (slowest {watchdog.slowest:.3f} s of {watchdog.count}) while "
       "32 trickling, then 32 idle sockets were open")
    stop(agent)

    token_file = os.path.join(WORK, "inventory.token")
    with open(token_file, "w") as f:
        f.write(TOKEN + "\n")
    os.chmod(token_file, 0o600)
    agent = start_agent("--web.inventory-token-file", token_file)
    for path in ("/inventory", "/utilisation"):
        check(from_namespace(path) == 403, f"{path} without token")
        check(from_namespace(path, "wrong-token-0123456789abcdef") == 403, f"{path} wrong token")
        check(from_namespace(path, TOKEN) == 200, f"{path} with the token")
    ok("with --web.inventory-token-file: 200 with the bearer token, 403 without or with another")
    stop(agent)

    with open(token_file, "w") as f:
        f.write("short\n")
    result = subprocess.run([f"{BIN}/sahab-agent", "--web.listen-address", f"127.0.0.1:{PORT}",
                             "--state.dir", WORK, "--web.inventory-token-file", token_file],
                            capture_output=True, text=True, timeout=30)
    check(result.returncode == 2 and "inventory token" in result.stderr,
          f"short token: exit {result.returncode} {result.stderr!r}")
    ok("a token file with a short token stops the agent with exit 2 naming the file")


try:
    main_guard(run)
finally:
    for p in procs:
        if p.poll() is None:
            p.terminate()
            p.wait(timeout=20)
    remove_namespace()
