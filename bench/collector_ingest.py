#!/usr/bin/env python3
"""Load generator for sahab-collector: simulated agents on loopback, bounded in time.

Starts the collector on a temporary database, enrols AGENTS agents, lets each push one full
inventory, then for DURATION seconds pushes gzip batches (one summary of ten metrics, as the agent
sends every 60 s) at AGENTS/INTERVAL pushes per second, open loop over keep-alive connections.
Reports sustained pushes/s, p50/p99 latency, collector CPU and RSS, and DB bytes per host per day.

  bench/collector_ingest.py build/bin/sahab-collector [--agents 20000] [--interval 60]
                            [--duration 60] [--connections 64]
"""
import argparse, asyncio, gzip, json, math, os, random, signal, socket, sqlite3, subprocess
import sys, tempfile, time

METRICS = ["cpu_ratio", "memory_ratio", "swap_ratio", "disk_read_iops", "disk_write_iops",
           "disk_read_bytes_per_second", "disk_write_bytes_per_second",
           "network_receive_bytes_per_second", "network_transmit_bytes_per_second",
           "filesystem_used_ratio"]


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def sketch(values):
    out = {}
    for v in values:
        k = "z" if v <= 1e-9 else str(math.ceil(math.log(v) / math.log(1.02)))
        out[k] = out.get(k, 0) + 1
    return out


def summary(start, rng):
    metrics = {}
    for m in METRICS:
        scale = 1.0 if m.endswith("ratio") else 1e6
        values = [rng.random() * scale for _ in range(4)]
        metrics[m] = {"count": 4, "mean": sum(values) / 4, "max": max(values), "sketch": sketch(values)}
    return {"start": iso(start), "end": iso(start + 60), "samples": 4, "metrics": metrics}


def inventory(i):
    return {"format": "sahab-inventory/1", "full": True, "sections": {
        "identity": {"hash": f"i{i}", "data": {"hostname": f"srv-{i:05d}", "labels": {
            "region": f"region-{i % 12}", "commune": f"commune-{i % 1503}", "environment": "prod"}}},
        "system": {"hash": "s", "data": {"os": {"family": "linux", "name": "Debian GNU/Linux", "version": "12"},
                                         "kernel": "6.1.0", "arch": "x86_64"}},
        "hardware": {"hash": f"h{i}", "data": {"cpu": {"model": "Xeon", "cores": 8}, "memory_bytes": 17179869184,
                     "block_devices": [{"name": "sda", "size_bytes": 536870912000}],
                     "nics": [{"name": "eth0", "ipv4": [f"10.{i // 65536}.{i // 256 % 256}.{i % 256}/16"]}]}},
        "network": {"hash": f"n{i}", "data": {"listening": [{"protocol": "tcp", "port": 22, "process": "sshd"}],
                    "connections": [{"direction": "outbound", "remote_address": f"10.0.0.{(i * 7) % 250 + 1}",
                                     "remote_port": 5432, "process": "app", "count": 2}]}}}}


class Connection:
    def __init__(self, port):
        self.port = port
        self.reader = self.writer = None

    async def request(self, method, path, headers, body):
        for attempt in range(2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            head = f"{method} {path} HTTP/1.1\r\nHost: bench\r\nContent-Length: {len(body)}\r\n"
            head += "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
            try:
                self.writer.write(head.encode() + body)
                await self.writer.drain()
                status_line = await self.reader.readline()
                length = 0
                while True:
                    line = await self.reader.readline()
                    if line in (b"\r\n", b""):
                        break
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                    if line.lower().startswith(b"connection: close"):
                        self.writer = None
                reply = await self.reader.readexactly(length) if length else b""
                if not status_line:
                    raise ConnectionError("closed")
                return int(status_line.split()[1]), reply
            except (ConnectionError, asyncio.IncompleteReadError):
                self.writer = None
                if attempt:
                    raise


def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); port = s.getsockname()[1]; s.close(); return port


def proc_cpu_seconds(pid):
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def proc_rss_mb(pid):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0


async def run_pool(conns, jobs):
    """Runs coroutine factories over the connection pool, `len(conns)` at a time."""
    queue = asyncio.Queue()
    for j in jobs:
        queue.put_nowait(j)

    async def worker(conn):
        while not queue.empty():
            job = queue.get_nowait()
            await job(conn)
    await asyncio.gather(*(worker(c) for c in conns))


async def bench(args, port, pid, token):
    conns = [Connection(port) for _ in range(args.connections)]
    creds = [None] * args.agents

    def enrol(i):
        async def job(conn):
            status, reply = await conn.request("POST", "/api/v1/enrol", {"Authorization": "Bearer " + token},
                                               json.dumps({"host_id": f"bench-{i:05d}", "hostname": f"srv-{i:05d}"}).encode())
            assert status == 201, (status, reply)
            creds[i] = json.loads(reply)["credential"]
        return job
    t = time.time()
    await run_pool(conns, [enrol(i) for i in range(args.agents)])
    print(f"enrolled {args.agents} agents in {time.time() - t:.1f} s", file=sys.stderr)

    rng = random.Random(1)
    base = int(time.time()) // 60 * 60 - 3600
    seq = [0] * args.agents

    def body(i, with_inventory):
        seq[i] += 1
        doc = {"format": "sahab-ingest/1", "host_id": f"bench-{i:05d}", "sequence": seq[i], "sent_at": iso(time.time()),
               "summaries": [summary(base + seq[i] * 60, rng)]}
        if with_inventory:
            doc["inventory"] = inventory(i)
        return gzip.compress(json.dumps(doc).encode(), 6)

    def push(i, with_inventory, latencies=None):
        data = body(i, with_inventory)
        async def job(conn):
            start = time.perf_counter()
            status, reply = await conn.request("POST", "/api/v1/ingest", {
                "Authorization": "Bearer " + creds[i], "Content-Encoding": "gzip",
                "Content-Type": "application/json"}, data)
            if latencies is not None:
                latencies.append((time.perf_counter() - start, status))
        return job
    t = time.time()
    await run_pool(conns, [push(i, True) for i in range(args.agents)])
    print(f"first full inventories pushed in {time.time() - t:.1f} s", file=sys.stderr)

    # Open loop: push k is due at t0 + k / rate, whatever the latency of earlier pushes.
    rate = args.agents / args.interval
    total = int(rate * args.duration)
    latencies, rss_peak = [], 0.0
    free = asyncio.Queue()
    for c in conns:
        free.put_nowait(c)
    cpu0, t0 = proc_cpu_seconds(pid), time.perf_counter()
    tasks = []

    async def one(k):
        conn = await free.get()
        try:
            await push(k % args.agents, False, latencies)(conn)
        finally:
            free.put_nowait(conn)
    for k in range(total):
        due = t0 + k / rate
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.ensure_future(one(k)))
        if k % 500 == 0:
            rss_peak = max(rss_peak, proc_rss_mb(pid))
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - t0
    cpu = proc_cpu_seconds(pid) - cpu0
    rss_peak = max(rss_peak, proc_rss_mb(pid))
    ok = sorted(l for l, s in latencies if s == 200)
    failed = sum(1 for _, s in latencies if s != 200)
    return {"agents": args.agents, "target_pushes_per_s": round(rate, 1), "pushes": len(latencies),
            "failed": failed, "seconds": round(elapsed, 1), "pushes_per_s": round(len(ok) / elapsed, 1),
            "p50_ms": round(ok[len(ok) // 2] * 1000, 2), "p99_ms": round(ok[int(len(ok) * 0.99)] * 1000, 2),
            "max_ms": round(ok[-1] * 1000, 1),
            "collector_cpu_percent_of_one_core": round(100 * cpu / elapsed, 1), "collector_rss_mb_peak": round(rss_peak, 1),
            "measured_pushes": len(ok)}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("collector")
    p.add_argument("--agents", type=int, default=20000)
    p.add_argument("--interval", type=float, default=60)
    p.add_argument("--duration", type=float, default=60)
    p.add_argument("--connections", type=int, default=64)
    args = p.parse_args()
    work = tempfile.mkdtemp(prefix="sahab-bench-")
    token = "bench-enrolment-token-0123456789"
    open(f"{work}/enrol", "w").write(token)
    port = free_port()
    db = f"{work}/bench.db"
    proc = subprocess.Popen([args.collector, "--listen", f"127.0.0.1:{port}", "--db", db,
                             "--enrolment-token-file", f"{work}/enrol", "--http.workers", str(args.connections + 8),
                             # every simulated agent comes from 127.0.0.1: no per-address cap
                             "--http.max-connections-per-address", "0",
                             "--log.level", "warn"], stderr=open(f"{work}/collector.log", "w"))
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port)).close(); break
            except OSError:
                time.sleep(0.1)
        result = asyncio.run(bench(args, port, proc.pid, token))
    finally:
        proc.send_signal(signal.SIGTERM); proc.wait(timeout=60)
    size = os.path.getsize(db)
    con = sqlite3.connect(db)
    # Schema 5 keeps one block per host and hour; `entries` counts its (metric, summary) pairs.
    rows = con.execute("SELECT coalesce(sum(entries), 0) FROM summary_blocks").fetchone()[0]
    con.execute("DELETE FROM summary_blocks"); con.commit(); con.execute("VACUUM"); con.close()
    # One summary of len(METRICS) metrics per push, one push per 60 s per host in production.
    per_push = (size - os.path.getsize(db)) / max(1, rows / len(METRICS))
    result["db_bytes_per_summary_push"] = round(per_push)
    result["db_bytes_per_host_per_day"] = round(per_push * 1440)
    print(json.dumps(result, indent=2))
    subprocess.run(["rm", "-rf", work])


if __name__ == "__main__":
    main()
