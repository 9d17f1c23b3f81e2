#!/usr/bin/env bash
# The collector's command line: --help, --version, config errors (exit 2 naming file and line),
# refused TLS ports, unreadable token files.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"

# Whole outputs first: `cmd | grep -q` can kill cmd with SIGPIPE, which pipefail reports.
version="$("$COLLECTOR" --version)"
grep -q '^sahab-collector [0-9]' <<<"$version" || fail "--version"
help="$("$COLLECTOR" --help)"
for flag in --config --listen --db --enrolment-token-file --api-token-file --http.max-body-bytes \
            --http.workers --retention.raw --stale-after --log.level; do
  grep -q -- "$flag" <<<"$help" || fail "--help lacks $flag"
done
"$COLLECTOR" --config "$SAHAB_SOURCE_DIR/configs/collector.yaml" --help >/dev/null || fail "example config does not load"
pass "help, version, example config"

# --config FILE --help shows the values the file (and flags) set, next to the built-in defaults.
printf 'retention:\n  raw: 30d\nui:\n  login:\n    max_failures: 7\n' >"$WORK/effective.yaml"
help="$("$COLLECTOR" --config "$WORK/effective.yaml" --stale-after 2h --help)"
grep -q -- '--retention.raw VALUE .*(set: 30d; default: 14d)' <<<"$help" || fail "file value not shown"
grep -q -- '--ui.login.max-failures VALUE .*(set: 7; default: 5)' <<<"$help" || fail "nested value not shown"
grep -q -- '--stale-after VALUE .*(set: 2h; default: 1h)' <<<"$help" || fail "flag value not shown"
grep -q -- '--retention.rollups VALUE .*(default: 400d)' <<<"$help" || fail "default not shown"
printf 'retention:\n  raw: forever\n' >"$WORK/broken.yaml"
set +e; "$COLLECTOR" --config "$WORK/broken.yaml" --help >/dev/null 2>&1; status=$?; set -e
[[ $status -eq 2 ]] || fail "--help hid a broken config (exit $status)"
pass "--config FILE --help shows the effective values"

expect_exit() {  # expect_exit CODE PATTERN ARGS...
  local want="$1" pattern="$2" status; shift 2
  set +e; "$COLLECTOR" "$@" >"$WORK/out.txt" 2>"$WORK/err.txt"; status=$?; set -e
  [[ $status -eq $want ]] || fail "exit $status (want $want) for $*: $(cat "$WORK/err.txt")"
  grep -q -- "$pattern" "$WORK/err.txt" || fail "message lacks '$pattern': $(cat "$WORK/err.txt")"
}
printf 'listen: "127.0.0.1:0"\nretention:\n  raw: forever\n' >"$WORK/bad.yaml"
expect_exit 2 "bad.yaml:3: key 'retention.raw'" --config "$WORK/bad.yaml"
printf 'no_such_key: 1\n' >"$WORK/unknown.yaml"
expect_exit 2 "unknown key 'no_such_key'" --config "$WORK/unknown.yaml"
expect_exit 2 "reverse proxy" --listen 127.0.0.1:9443s --db "$WORK/x.db"
expect_exit 2 "http.workers" --http.workers 0
expect_exit 2 "cannot read the enrolment token" --listen 127.0.0.1:0 --db "$WORK/x.db" --enrolment-token-file "$WORK/missing"
echo short >"$WORK/short"
expect_exit 2 "at least 16 characters" --listen 127.0.0.1:0 --db "$WORK/x.db" --api-token-file "$WORK/short"
expect_exit 2 "see --help" --no-such-flag
pass "configuration errors exit 2 with a clear message"

echo "3 passed, 0 failed"
