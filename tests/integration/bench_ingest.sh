#!/usr/bin/env bash
# The load generator (bench/ingest_load.cpp, its own HTTP/1.1 client) counts what it sends
# honestly: against a real collector every push is answered 200; against a server that refuses
# pushes (503, answered chunked) every push is counted failed with the answer's body, read whole;
# and pushes on connections the collector dropped (killed with -9) are counted failed, not lost.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
GENERATOR="$BIN_DIR/sahab-bench-ingest"

# generate NAME URL [FLAGS...]: 20 agents, 20 pushes/s for 2 s; JSON to NAME.json, stderr to NAME.log.
generate() {
  local name="$1" url="$2"; shift 2
  timeout 120 "$GENERATOR" --url "$url" --enrolment-token-file "$ENROL_TOKEN_FILE" --agents 20 \
    --interval 1 --duration 2 --connections 4 "$@" >"$WORK/$name.json" 2>"$WORK/$name.log"
}

start_collector
generate real "$URL" --timeline "$WORK/real.tsv" || fail "against a collector: $(cat "$WORK/real.log")"
json 'd["pushes"] == 40 and d["failed"] == 0 and d["collector_p99_ms_at_most"] is not None' \
  <"$WORK/real.json" | grep -q True || fail "real collector: $(cat "$WORK/real.json")"
ok "a collector answers all 40 pushes (and its /metrics histogram is read)"

# --timeline: a line per second of the measured phase, due times now, the 40 pushes counted once.
python3 - "$WORK/real.tsv" "$WORK/real.json" <<'PY' || fail "timeline: $(cat "$WORK/real.tsv")"
import datetime, json, sys
lines = open(sys.argv[1]).read().splitlines()
assert lines[0] == "due_utc\tpushes\tp50_ms\tmax_ms", lines[0]
rows = [line.split("\t") for line in lines[1:]]
assert len(rows) == 3, rows  # seconds 0 and 1, and one for answers due at the very end
assert sum(int(r[1]) for r in rows) == 40, rows
now = datetime.datetime.now(datetime.timezone.utc)
for due, pushes, p50, top in rows:
    at = datetime.datetime.fromisoformat(due.replace("Z", "+00:00"))
    assert abs((now - at).total_seconds()) < 120, (due, now)
    if int(pushes):
        assert 0 < float(p50) <= float(top) <= json.load(open(sys.argv[2]))["max_ms"] + 0.051, (p50, top)  # max_ms: 0.1 ms
PY
ok "the timeline counts the 40 pushes in the seconds they were due"
generate unwritable "$URL" --timeline "$WORK/no/such/dir.tsv" && fail "an unwritable timeline passed"
grep -q "cannot write --timeline $WORK/no/such/dir.tsv" "$WORK/unwritable.log" ||
  fail "unwritable timeline: $(cat "$WORK/unwritable.log")"
ok "a timeline that cannot be written is refused before the run"

# A server that enrols anyone, refuses every push with 503 in a chunked answer, and answers
# /metrics without a length, closing the connection (an HTTP/1.1 server unlike the collector).
port=$(free_port)
cat >"$WORK/refuser.py" <<'PY'
import http.server, sys
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_POST(self):
        self.rfile.read(int(self.headers["Content-Length"]))
        if self.path == "/api/v1/enrol":
            body = b'{"credential": "c"}'
            self.send_response(201)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(503)
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        self.wfile.write(b"4\r\nbusy\r\n6\r\n, try \r\n5\r\nlater\r\n0\r\n\r\n")
    def do_GET(self):
        self.send_response(200)
        self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(b'sahab_collector_batch_duration_seconds_bucket{le="+Inf"} 0\n')
        self.close_connection = True
    def log_message(self, *args):
        pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), Handler).serve_forever()
PY
start refuser python3 "$WORK/refuser.py" "$port"
wait_for 20 "the refusing server did not start" \
  python3 -c "import socket; socket.create_connection(('127.0.0.1', $port), 1)" 2>/dev/null
! generate refused "http://127.0.0.1:$port" --first-inventories no || fail "refused pushes passed"
json 'd["pushes"] == 40 and d["failed"] == 40' <"$WORK/refused.json" | grep -q True ||
  fail "refused pushes not counted failed: $(cat "$WORK/refused.json")"
grep -q "push: HTTP 503 busy, try later" "$WORK/refused.log" || fail "chunked answer: $(cat "$WORK/refused.log")"
ok "every push answered 503 is counted failed, its chunked answer read whole"

# The collector killed while the generator pushes: what was not answered is failed.
start_collector
generate killed "$URL" --duration 6 --first-inventories no --prefix killed &
generator=$!
wait_for 60 "the generator did not start its measured phase" grep -qs "made 120 requests" "$WORK/killed.log"
sleep 1
kill -9 "$COLLECTOR_PID"
! wait "$generator" || fail "pushes to a killed collector passed"
json 'd["pushes"] == 120 and d["failed"] > 0' <"$WORK/killed.json" | grep -q True ||
  fail "pushes to a killed collector not counted failed: $(cat "$WORK/killed.json")"
ok "pushes after the collector was killed are counted failed ($(json 'd["failed"]' <"$WORK/killed.json") of 120)"
echo "$passed passed, 0 failed"
