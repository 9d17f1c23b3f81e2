#!/usr/bin/env bash
# The shipped planner.yaml edited to programme scale (docs/benchmarks.md, issue 20): no pilot
# waves, a first wave of up to 500 hosts (10 teams of 50), then waves of up to 25 (~400 waves
# for 10,000 hosts), the catalogues read from this checkout. Written to stdout.
#
#   bench/programme_planner.sh >planner.yaml
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
sed -e 's/^  ramp: .*/  ramp: [500, 25]/' -e 's/^  teams: .*/  teams: 10/' \
  -e 's/^  hosts_per_team: .*/  hosts_per_team: 50/' -e 's/^  pilot_waves: .*/  pilot_waves: 0/' \
  -e "s#^  dir: catalogs#  dir: $ROOT/configs/catalogs#" "$ROOT/configs/planner.yaml"
