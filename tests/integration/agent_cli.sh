#!/usr/bin/env bash
# The agent's command line and HTTP surface on a fixture tree: --help, --version, config errors
# (exit 2, naming file and line), refused TLS ports, endpoints, collector toggles.
source "$(dirname "$0")/lib.sh"
AGENT="$BIN_DIR/sahab-agent"
FIX="$SAHAB_FIXTURES_DIR/agent/default"
PATHS=(--path.procfs "$FIX/proc" --path.sysfs "$FIX/sys" --path.rootfs "$FIX/root")

# Whole outputs first: `cmd | grep -q` can kill cmd with SIGPIPE, which pipefail reports.
version="$("$AGENT" --version)"
help="$("$AGENT" --help)"
grep -q '^sahab-agent [0-9]' <<<"$version" || fail "--version"
grep -q -- '--web.listen-address' <<<"$help" || fail "--help lacks --web.listen-address"
grep -q -- '--\[no-\]collector.cpu' <<<"$help" || fail "--help lacks collector toggles"
pass "help and version"

# --config FILE --help shows the values the file (and flags) set, next to the built-in defaults.
printf 'sample:\n  interval: 5s\ncollectors:\n  cpu: false\n' >"$WORK/effective.yaml"
help="$("$AGENT" --config "$WORK/effective.yaml" --report.interval 2m --help)"
grep -q -- '--sample.interval VALUE .*(set: 5s; default: 15s)' <<<"$help" || fail "file value not shown"
grep -q -- '--\[no-\]collector.cpu .*(set: false; default: enabled)' <<<"$help" || fail "switch not shown"
grep -q -- '--report.interval VALUE .*(set: 2m; default: ' <<<"$help" || fail "flag value not shown"
pass "--config FILE --help shows the effective values"

printf 'web:\n  listen_address: ":0"\nsample:\n  interval: fast\n' >"$WORK/bad.yaml"
set +e
"$AGENT" --config "$WORK/bad.yaml" 2>"$WORK/err.txt"; status=$?
set -e
[[ $status -eq 2 ]] || fail "bad config exit code $status, want 2"
grep -q "bad.yaml:4: key 'sample.interval'" "$WORK/err.txt" || fail "error lacks file:line:key: $(cat "$WORK/err.txt")"
set +e
"$AGENT" --web.listen-address 127.0.0.1:9443s 2>"$WORK/err.txt"; status=$?
set -e
[[ $status -eq 2 ]] && grep -q "reverse proxy" "$WORK/err.txt" || fail "TLS port not refused ($status)"
set +e
"$AGENT" --no-such-flag 2>/dev/null; status=$?
set -e
[[ $status -eq 2 ]] || fail "unknown flag exit code $status"
pass "configuration errors"

port=$(free_port)
start agent "$AGENT" "${PATHS[@]}" --web.listen-address "127.0.0.1:$port" --no-collector.cpu
wait_http "http://127.0.0.1:$port/healthz"
metrics="$(curl -fsS "http://127.0.0.1:$port/metrics")"
grep -q '^node_load1 0.21$' <<<"$metrics" || fail "node_load1 missing"
grep -q '^sahab_agent_info{host_id="b0c6e1f4a3d54f1a9d3e0c2b7a8f6e51",version="' <<<"$metrics" || fail "sahab_agent_info"
grep -q 'node_scrape_collector_success{collector="meminfo"} 1' <<<"$metrics" || fail "scrape success"
! grep -q '^node_cpu_seconds_total' <<<"$metrics" || fail "--no-collector.cpu ignored"
ctype="$(curl -fsS -o /dev/null -w '%{content_type}' "http://127.0.0.1:$port/metrics")"
[[ "$ctype" == text/plain* ]] || fail "content type $ctype"
expect_status 404 "http://127.0.0.1:$port/nope"
expect_status 405 -X POST "http://127.0.0.1:$port/metrics"
expect_status 413 -X GET --data-binary 'x' "http://127.0.0.1:$port/metrics"
pass "endpoints"

kill "$LAST_PID"; wait "$LAST_PID" || true

# One C++ runtime, linked in: a shared C++ library (libstdc++, prometheus-cpp's) would put a second
# copy of the runtime beside the static one (agent/CMakeLists.txt says why it is static).
needed="$(readelf -d "$AGENT" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')"
[[ -n "$needed" ]] || fail "readelf found no NEEDED entries"
if grep -E '^lib(stdc\+\+|prometheus-cpp|civetweb-cpp|yaml-cpp|boost)' <<<"$needed"; then
  fail "the agent needs a shared C++ library: $(tr '\n' ' ' <<<"$needed")"
fi
pass "no shared C++ library ($(tr '\n' ' ' <<<"$needed"))"

# Nor libm: the agent computes what it needed of it itself (common/sketch.cpp, bytes::float24,
# bcache's units), and lld leaves it out (agent/CMakeLists.txt); mapped it costs ~0.3 MiB.
if grep -E '^libm\.so' <<<"$needed"; then fail "the agent needs libm again: $(tr '\n' ' ' <<<"$needed")"; fi
pass "no libm"

# Small static TLS: glibc copies and clears it in every thread the agent starts (45 with
# CivetWeb's workers), so a large thread_local (the 2.5 KB random engine the push's backoff had)
# costs a page in each (docs/benchmarks.md).
tls_hex=$(readelf -lW "$AGENT" | awk '$1 == "TLS" { print $6 }')
tls_bytes=$((${tls_hex:-0}))
(( tls_bytes <= 512 )) || fail "the agent's static TLS is ${tls_bytes} bytes (at most 512)"
pass "static TLS of ${tls_bytes} bytes"
echo "7 passed, 0 failed"
