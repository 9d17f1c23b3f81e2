#!/usr/bin/env bash
# Builds the libFuzzer targets with clang into BUILD_DIR and runs each for SECONDS, seeded with
# the inventory fixtures and the small documents under seeds/ (ingest, import, fleet, sign-in).
# Exits non-zero on a crash, a sanitizer report or a build failure.
# Usage: tests/fuzz/run.sh [BUILD_DIR] [SECONDS]
set -euo pipefail
SOURCE_DIR="$(cd "$(dirname "$0")" && pwd)"
FIXTURES="$SOURCE_DIR/../fixtures/agent/inventory"
SEEDS="$SOURCE_DIR/seeds"
mkdir -p "${1:-build/fuzz}"
BUILD_DIR="$(cd "${1:-build/fuzz}" && pwd)"
SECONDS_EACH="${2:-20}"

command -v clang++ >/dev/null || { echo "clang++ not found (scripts/packages/test.txt lists it)" >&2; exit 1; }
cmake -S "$SOURCE_DIR" -B "$BUILD_DIR" -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$BUILD_DIR" -j 2 >/dev/null

# seed NAME FILES...: a fresh corpus dir holding the given seed files.
seed() {
  local dir="$BUILD_DIR/corpus/$1"; shift
  rm -rf "$dir"; mkdir -p "$dir"
  local i=0
  for f in "$@"; do cp "$f" "$dir/seed$((i++))"; done
  echo "$dir"
}

status=0
ran=0
run() {
  local target="$1" corpus="$2"
  ran=$((ran + 1))
  echo "fuzzing $target for ${SECONDS_EACH}s"
  if ! (cd "$BUILD_DIR" && "./$target" -max_total_time="$SECONDS_EACH" -max_len=65536 -timeout=10 \
        -rss_limit_mb=1024 -print_final_stats=1 "$corpus" >"$target.log" 2>&1); then
    echo "FAIL: $target (log: $BUILD_DIR/$target.log)" >&2
    tail -n 40 "$BUILD_DIR/$target.log" >&2
    status=1
  else
    grep -E '^stat::number_of_executed_units' "$BUILD_DIR/$target.log" || true
  fi
}
# Real files are large; the dpkg seed is cut to its first packages so mutations stay fast.
head -c 16384 "$FIXTURES/default/root/var/lib/dpkg/status" >"$BUILD_DIR/dpkg-head"
run fuzz_proc_net "$(seed proc_net "$FIXTURES"/default/proc/net/tcp "$FIXTURES"/default/proc/net/tcp6 \
  "$FIXTURES"/default/proc/net/udp "$FIXTURES"/broken/proc/net/tcp)"
run fuzz_dpkg_status "$(seed dpkg_status "$BUILD_DIR/dpkg-head" "$FIXTURES"/broken/root/var/lib/dpkg/status)"
run fuzz_os_release "$(seed os_release "$FIXTURES"/default/root/etc/os-release \
  "$FIXTURES"/broken/root/etc/os-release "$FIXTURES"/default/proc/cpuinfo)"
run fuzz_http_answer "$(seed http_answer "$SEEDS"/http_answer/*)"
run fuzz_ingest_document "$(seed ingest "$SEEDS"/ingest/*)"
# The RVTools seed: the small shared sample workbook (never copied into the repository), re-zipped
# stored with only the sheets the reader reads (35 KB), so that mutations reach the XML rather than
# break the deflate stream.
python3 - "$SOURCE_DIR/../../../shared/samples/imports/rvtools/mjvincent/rvtools-small-complete.xlsx" \
  "$BUILD_DIR/rvtools-seed.xlsx" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as src, zipfile.ZipFile(sys.argv[2], "w", zipfile.ZIP_STORED) as out:
    for name in src.namelist():
        if not name.startswith("xl/worksheets/") or name.endswith(("/sheet1.xml", "/sheet2.xml", "/sheet3.xml")):
            out.writestr(name, src.read(name))
PY
run fuzz_import "$(seed import "$SEEDS"/import/* "$BUILD_DIR"/rvtools-seed.xlsx)"
run fuzz_fleet_reader "$(seed fleet_reader "$SEEDS"/fleet/* "$SEEDS"/import/fleet.json)"
run fuzz_login_body "$(seed login_body "$SEEDS"/login/*)"
run fuzz_soap_answer "$(seed soap_answer "$SOURCE_DIR"/../fixtures/vcenter/*.xml)"
run fuzz_summary_block "$(seed summary_block "$SEEDS"/summary_block/*)"
[[ $status -eq 0 ]] && echo "$ran passed, 0 failed" || echo "fuzzing found problems"
exit $status
