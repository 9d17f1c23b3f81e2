#!/usr/bin/env bash
# The collector's command line: --help, --version, config errors (exit 2 naming file and line),
# refused TLS ports, unreadable token files.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/collector_lib.sh"

"$COLLECTOR" --version | grep -q '^sahab-collector [0-9]' || fail "--version"
help="$("$COLLECTOR" --help)"
for flag in --config --listen --db --enrolment-token-file --api-token-file --http.max-body-bytes \
            --http.workers --retention.raw --stale-after --log.level; do
  grep -q -- "$flag" <<<"$help" || fail "--help lacks $flag"
done
"$COLLECTOR" --config "$SAHAB_SOURCE_DIR/configs/collector.yaml" --help >/dev/null || fail "example config does not load"
pass "help, version, example config"

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

echo "2 passed, 0 failed"
