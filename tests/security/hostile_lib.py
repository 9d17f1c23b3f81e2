"""Helpers for the hostile-client suites: real processes on loopback, raw sockets, a /healthz
watchdog, RSS readings and a digest of the store. Each check prints "ok - ..." or raises."""
import gzip
import hashlib
import json
import multiprocessing
import socket
import sqlite3
import sys
import threading
import time
import urllib.error
import urllib.request

PASSED = []


def ok(what):
    PASSED.append(what)
    print("ok -", what, flush=True)


def check(condition, what):
    if not condition:
        raise AssertionError(what)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url, method="GET", body=None, headers=None, timeout=10, source=None):
    """(status, headers dict with lower-case names, body bytes); never raises on HTTP errors."""
    req = urllib.request.Request(url, data=body, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, {k.lower(): v for k, v in r.headers.items()}, r.read()
    except urllib.error.HTTPError as e:
        return e.code, {k.lower(): v for k, v in e.headers.items()}, e.read()


def raw(port, data, source="127.0.0.1", timeout=5):
    """Sends bytes on a fresh connection and returns what came back until close or timeout."""
    s = socket.socket()
    s.bind((source, 0))
    s.settimeout(timeout)
    s.connect(("127.0.0.1", port))
    s.sendall(data)
    out = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            out += chunk
            if b"\r\n\r\n" in out:
                head, _, rest = out.partition(b"\r\n\r\n")
                length = [int(l.split(b":")[1]) for l in head.split(b"\r\n")
                          if l.lower().startswith(b"content-length:")]
                if length and len(rest) >= length[0]:
                    break
    except socket.timeout:
        pass
    s.close()
    return out


def status_of(response):
    return int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/") else 0


def hwm_kib(pid):
    """Peak resident memory of a process, in KiB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError(f"process {pid} is gone")


class Watchdog:
    """Asks `url` every 200 ms from its own process (the test's threads hold the GIL while they
    build big bodies); records the slowest answer and the failures."""

    def __init__(self, url, headers=None, limit=1.0):
        self.url, self.headers, self.limit = url, headers or {}, limit
        self._stop = multiprocessing.Event()
        self._slowest = multiprocessing.Value("d", 0.0)
        self._count = multiprocessing.Value("i", 0)
        self._failures = multiprocessing.Value("i", 0)
        self._process = multiprocessing.Process(target=self._run, daemon=True)

    def _run(self):
        while not self._stop.is_set():
            start = time.monotonic()
            try:
                status, _, _ = request(self.url, headers=self.headers, timeout=5)
                failed = status != 200
            except Exception:  # noqa: BLE001 - any failure is a finding
                failed = True
            took = time.monotonic() - start
            with self._slowest.get_lock():
                self._slowest.value = max(self._slowest.value, took)
                self._count.value += 1
                self._failures.value += failed
            self._stop.wait(0.2)

    @property
    def slowest(self):
        return self._slowest.value

    @property
    def count(self):
        return self._count.value

    def __enter__(self):
        self._process.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._process.join()

    def verify(self, what):
        check(self._failures.value == 0,
              f"{what}: {self._failures.value} of {self.count} requests to {self.url} failed")
        check(self.count > 0, f"{what}: watchdog never ran")
        check(self.slowest < self.limit,
              f"{what}: {self.url} took {self.slowest:.2f} s (limit {self.limit} s)")


class Slowloris:
    """`count` sockets from `source` that send half a request header, one byte at a time (or
    nothing at all with idle=True), reconnecting when the server drops them."""

    def __init__(self, port, count, source="127.0.0.2", idle=False):
        self.port, self.count, self.source, self.idle = port, count, source, idle
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(count)]

    def _connect(self):
        s = socket.socket()
        s.bind((self.source, 0))
        s.settimeout(2)
        s.connect(("127.0.0.1", self.port))
        return s

    def _run(self):
        header = b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Padding: " + b"a" * 4000
        while not self._stop.is_set():
            try:
                s = self._connect()
                i = 0
                while not self._stop.is_set():
                    if not self.idle:
                        s.sendall(header[i % len(header):i % len(header) + 1])
                        i += 1
                    self._stop.wait(0.5)
                s.close()
            except OSError:
                self._stop.wait(0.1)

    def __enter__(self):
        for t in self._threads:
            t.start()
        time.sleep(1.0)  # let every socket connect and start trickling
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for t in self._threads:
            t.join()


def store_digest(db):
    """A digest of every row of every table (audit log included): rejected requests change
    nothing."""
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    h = hashlib.sha256()
    for (table,) in con.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"):
        for row in con.execute(f'SELECT * FROM "{table}" ORDER BY 1'):
            h.update(repr(row).encode())
    con.close()
    return h.hexdigest()


def gz(data):
    return gzip.compress(data if isinstance(data, bytes) else data.encode())


def nested(depth, leaf="x"):
    return "[" * depth + json.dumps(leaf) + "]" * depth


def finish():
    print(f"{len(PASSED)} passed, 0 failed", flush=True)


def main_guard(run):
    try:
        run()
    except AssertionError as e:
        print(f"FAIL - {e}", flush=True)
        print(f"{len(PASSED)} passed, 1 failed", flush=True)
        sys.exit(1)
    finish()
