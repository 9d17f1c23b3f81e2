#!/usr/bin/env bash
# Planner benchmark: wall time and peak RSS of `sahab-planner plan` (read fleet, plan, write
# plan.json) on generated fleets of 1,000 / 10,000 / 100,000 hosts with 5 edges per host.
# Targets (BRIEF §5): 10,000 hosts + 50,000 edges < 1 s; 100,000 hosts < 10 s.
#
#   bench/planner_bench.sh [BUILD_DIR] [SIZES...]      e.g. bench/planner_bench.sh build 1000 10000
#
# Each size is planned RUNS times (default 3); the best run is reported, since the machine is
# shared and the slowest runs measure the neighbours, not the planner.
set -euo pipefail
BUILD_DIR="${1:-build}"
shift || true
SIZES=("${@:-1000 10000 100000}")
read -r -a SIZES <<<"${SIZES[*]}"
RUNS="${RUNS:-3}"
PLANNER="$(cd "$BUILD_DIR" && pwd)/bin/sahab-planner"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
WORK="$(mktemp -d "${TMPDIR:-/tmp}/sahab-planner-bench.XXXXXX")"
trap 'rm -rf "$WORK"' EXIT
[[ -x "$PLANNER" ]] || { echo "build first: $PLANNER not found" >&2; exit 1; }
[[ -x /usr/bin/time ]] || { echo "needs /usr/bin/time (Debian package: time)" >&2; exit 1; }

printf '| hosts | edges | fleet file | best wall time | its CPU time (user+sys) | peak RSS | waves | move groups |\n'
printf '|---:|---:|---:|---:|---:|---:|---:|---:|\n'
for n in "${SIZES[@]}"; do
  fleet="$WORK/fleet-$n.json"
  "$PLANNER" generate-fleet --hosts "$n" --seed 1 --edges-per-host 5 --out "$fleet"
  best="" rss="" cpu=""
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f '%e %M %U %S' -o "$WORK/time.txt" \
      "$PLANNER" plan --fleet "$fleet" --config "$ROOT/configs/planner.yaml" --out "$WORK/plan.json" 2>"$WORK/log.txt"
    read -r seconds kb user sys <"$WORK/time.txt"
    if [[ -z "$best" ]] || awk -v a="$seconds" -v b="$best" 'BEGIN{exit !(a<b)}'; then
      best="$seconds" rss="$kb" cpu="$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.2f", u + s}')"
    fi
  done
  summary="$(python3 -c 'import json,sys; p=json.load(open(sys.argv[1])); print(len(p["waves"]), len(p["move_groups"]))' "$WORK/plan.json")"
  read -r waves groups <<<"$summary"
  edges="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["connections"]))' "$fleet")"
  size_mb="$(du -m "$fleet" | cut -f1)"
  rm -f "$fleet"
  printf '| %s | %s | %s MB | %s s | %s s | %s MB | %s | %s |\n' "$n" "$edges" "$size_mb" "$best" "$cpu" "$((rss / 1024))" "$waves" "$groups"
done
echo "load average during the run: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
