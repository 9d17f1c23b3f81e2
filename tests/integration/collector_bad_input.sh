#!/usr/bin/env bash
# Bad input on purpose: each request gets the right status, and the store is left consistent
# (nothing of a refused batch is stored; the good batches around them are).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"
start_collector --http.max-body-bytes 65536 --http.max-decompressed-bytes 262144 --ingest.burst 40 --ingest.rate-per-agent 0.5
cred=$(python3 "$PUSH" enrol "$URL" "$ENROL_TOKEN_FILE" host-x)
python3 "$PUSH" doc host-x 1 >"$WORK/good.json"
[[ "$(ingest "$cred" "$WORK/good.json")" == 200 ]] || fail "good batch"

reject() {  # reject STATUS WORD FILE [CURL ARGS...]: the reply must be STATUS and name WORD
  local want="$1" word="$2" file="$3" got; shift 3
  got="$(ingest "$cred" "$file" "$@")"
  [[ "$got" == "$want" ]] || fail "expected $want for $file, got $got: $(cat "$WORK/reply.json")"
  grep -qi -- "$word" "$WORK/reply.json" || fail "reply for $file does not name '$word': $(cat "$WORK/reply.json")"
}
mutate() {  # mutate NAME PYTHON: writes $WORK/NAME.json = good document changed by PYTHON on `d`
  python3 -c "import json,sys; d=json.load(open('$WORK/good.json')); d['sequence']=2; $2; json.dump(d, open('$WORK/$1.json','w'))"
}
printf '{"format": "sahab-ingest/1", "host_id": ' >"$WORK/truncated.json"
reject 400 "not valid JSON" "$WORK/truncated.json"
printf 'hello' >"$WORK/garbage.json"
reject 400 "not valid JSON" "$WORK/garbage.json"
mutate wrong-format "d['format']='sahab-ingest/9'"
reject 400 "format" "$WORK/wrong-format.json"
mutate seq-string "d['sequence']='2'"
reject 400 "sequence" "$WORK/seq-string.json"
mutate max-string "d['summaries'][0]['metrics']['cpu_ratio']['max']='high'"
reject 400 "summaries\[0\].metrics.cpu_ratio.max" "$WORK/max-string.json"
mutate bad-sketch "d['summaries'][0]['metrics']['cpu_ratio']['sketch']={'abc': 1}"
reject 400 "sketch" "$WORK/bad-sketch.json"
mutate bad-time "d['summaries'][0]['start']='yesterday'"
reject 400 "start" "$WORK/bad-time.json"
mutate bad-labels "d['inventory']={'format':'sahab-inventory/1','sections':{'identity':{'hash':'h','data':{'labels':{'region':['x']}}}}}"
reject 400 "labels.region" "$WORK/bad-labels.json"
# A valid second summary after an invalid one: nothing of the batch may be stored.
mutate half-bad "d['summaries'].append(dict(d['summaries'][0], start='2020-01-01T00:00:00Z', end='2019-01-01T00:00:00Z'))"
reject 400 "end" "$WORK/half-bad.json"
mutate other-host "d['host_id']='host-y'"
reject 403 "host-y" "$WORK/other-host.json"
mutate traversal "d['host_id']='../../etc/passwd'"
reject 400 "host_id" "$WORK/traversal.json"
pass "malformed JSON, wrong types, bad fields: 400 naming the problem"

python3 -c "print('{\"pad\": \"' + 'x' * 70000 + '\"}')" >"$WORK/big.json"
reject 413 "exceeds" "$WORK/big.json"
head -c 10000 "$WORK/good.json" | gzip -c >"$WORK/whole.gz"
head -c 20 "$WORK/whole.gz" >"$WORK/cut.gz"
reject 400 "truncated" "$WORK/cut.gz" -H 'Content-Encoding: gzip'
printf 'definitely not gzip' >"$WORK/notgzip"
reject 400 "gzip" "$WORK/notgzip" -H 'Content-Encoding: gzip'
head -c 50000000 /dev/zero | gzip -9 -c >"$WORK/bomb.gz"   # 50 MB of zeros in ~50 KB
reject 413 "inflates beyond" "$WORK/bomb.gz" -H 'Content-Encoding: gzip'
reject 415 "Content-Encoding" "$WORK/good.json" -H 'Content-Encoding: br'
# A body announced longer than sent: the connection ends early and nothing is stored.
python3 - "$URL" "$cred" <<'PY'
import socket, sys, urllib.parse
u = urllib.parse.urlparse(sys.argv[1]); s = socket.create_connection((u.hostname, u.port))
s.sendall(b"POST /api/v1/ingest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + sys.argv[2].encode() +
          b"\r\nContent-Length: 5000\r\n\r\n{\"format\": \"sahab-ingest/1\", \"host_id\": \"host-x\", \"sequence\": 3")
s.shutdown(socket.SHUT_WR); s.settimeout(10)
reply = s.recv(200).decode(errors="replace")
assert reply.startswith("HTTP/1.1 400"), reply
PY
pass "oversize, truncated, bad gzip, gzip bomb, unsupported encoding, short body"

expect_status 401 -H "Authorization: Bearer not-a-credential" --data-binary @"$WORK/good.json" "$URL/api/v1/ingest"
expect_status 401 --data-binary @"$WORK/good.json" "$URL/api/v1/ingest"
expect_status 401 -H "Authorization: Bearer wrong" -d '{"host_id": "h"}' "$URL/api/v1/enrol"
expect_status 400 -H "Authorization: Bearer $(cat "$ENROL_TOKEN_FILE")" -d '{"host_id": "../x"}' "$URL/api/v1/enrol"
expect_status 401 "$URL/api/v1/hosts"
expect_status 401 -H "Authorization: Bearer $cred" "$URL/api/v1/hosts"
pass "unknown tokens: 401; agent credentials are not admin"

[[ "$(ingest "$cred" "$WORK/good.json")" == 200 ]] || fail "replay"
grep -q '"duplicate":true' "$WORK/reply.json" || fail "replay not duplicate"
pass "replayed batch acknowledged as duplicate"

# Labels with quotes, newlines and SQL are data, nothing more.
mutate nasty "d['inventory']={'format':'sahab-inventory/1','sections':{'identity':{'hash':'h','data':{'hostname':'x\"); DROP TABLE hosts;--','labels':{'region':'Casa \"Settat\"\\nline2','commune':\"'; DELETE FROM summaries; --\"}}}}}"
[[ "$(ingest "$cred" "$WORK/nasty.json")" == 200 ]] || fail "nasty labels refused: $(cat "$WORK/reply.json")"
api /api/v1/hosts/host-x | json 'd["labels"]["commune"], d["labels"]["region"]' \
  | grep -qF "(\"'; DELETE FROM summaries; --\", 'Casa \"Settat\"\\nline2')" || fail "labels not kept verbatim"
api "/api/v1/hosts?label=commune=%27%3B%20DELETE%20FROM%20summaries%3B%20--" | json 'd["total"]' | grep -qx 1 || fail "label filter with SQL text"
api "/api/v1/hosts?q=%25%27%20OR%201%3D1%20--" | json 'd["total"]' | grep -qx 0 || fail "search with SQL text"
curl -fsS "$URL/metrics" >"$WORK/metrics.txt"
grep -qF 'region="Casa \"Settat\"\nline2"' "$WORK/metrics.txt" || fail "label not escaped in /metrics"
promtool check metrics <"$WORK/metrics.txt" 2>&1 | grep -iv 'counter metrics should\|^$' | grep -qi 'error' && fail "metrics unparsable"
api /api/v1/targets | json 'd[0]["labels"]["commune"]' | grep -qF "'; DELETE" || fail "targets label"
pass "labels with quotes, newlines and SQL text stored and served verbatim"

# CivetWeb decodes and normalises '..' (404 for the path left); what reaches us is refused (400).
for path in "..%2F..%2Fetc%2Fpasswd" "%2e%2e" "%2e%2e%2fhost-x" "host-x/../../etc" "host-x/..%2f..%2fetc" ".hidden" "a%00b"; do
  got="$(curl -s -o /dev/null -w '%{http_code}' --path-as-is -H "$API_AUTH" "$URL/api/v1/hosts/$path")"
  [[ "$got" == 400 || "$got" == 404 ]] || fail "host path '$path' answered $got"
done
expect_status 400 -H "$API_AUTH" "$URL/api/v1/hosts/.hidden"
expect_status 404 -H "$API_AUTH" "$URL/api/v1/hosts/no-such-host"
expect_status 400 -H "$API_AUTH" "$URL/api/v1/hosts?sort=id;DROP"
expect_status 400 -H "$API_AUTH" "$URL/api/v1/hosts?label=a%27b=1"
expect_status 400 -H "$API_AUTH" "$URL/api/v1/hosts/host-x/utilisation?from=never"
expect_status 400 -H "$API_AUTH" "$URL/api/v1/hosts/host-x/utilisation?from=0&to=2000000000&step=1s"
pass "path traversal and hostile query parameters"

marks() { sql "SELECT host_id || ' ' || sequence || ' ' || batches FROM batch_marks"; }
[[ "$(marks)" == "host-x 2 2" ]] || fail "batches stored: $(marks)"
# Both good batches carry the same minute (2 metrics): replaced, not added; refused ones add nothing.
[[ "$(sql "SELECT sum(entries) FROM summary_blocks")" == 2 ]] || fail "summaries: $(sql "SELECT sum(entries) FROM summary_blocks")"
store_intact || fail "integrity"
grep -q 'sahab_collector_rejected_batches_total{reason="bad_document"} 1[0-9]' "$WORK/metrics.txt" || fail "rejections not counted"
pass "store consistent: only the good batches, rejections counted by reason"
for attempt in $(seq 1 60); do
  got="$(curl -s -D "$WORK/headers" -o "$WORK/reply.json" -w '%{http_code}' -H "Authorization: Bearer $cred" --data-binary @"$WORK/good.json" "$URL/api/v1/ingest")"
  [[ "$got" == 429 ]] && break
  [[ "$got" == 200 ]] || fail "push $attempt answered $got"
done
[[ "$got" == 429 ]] && grep -qi '^Retry-After:' "$WORK/headers" || fail "no 429 after a burst of pushes"
grep -q 'sahab_collector_rejected_batches_total{reason="rate_limited"} 1' <(curl -fsS "$URL/metrics") || fail "429 not counted"
pass "per-agent rate limit: 429 with Retry-After"
echo "8 passed, 0 failed"
