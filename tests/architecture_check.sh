#!/usr/bin/env bash
# The seams docs/architecture.md promises, checked on the source tree:
#  - SQL lives only in collector/store/ (the seam a PostgreSQL backend plugs into);
#  - no planner or common file includes collector code (the planner depends on the fleet document,
#    common/ on nothing of ours);
#  - the agent includes no collector or planner code, and the collector no agent code;
#  - the sahab-fleet/1 field names are typed only in its field table (common/protocol/).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
failed=0
report() { echo "FAIL: $1"; printf '%s\n' "$2" | sed 's/^/  /'; failed=1; }

sources() { find "$@" \( -name '*.cpp' -o -name '*.h' \) -print0 2>/dev/null; }

sql=$(sources agent collector planner common | xargs -0 grep -nE \
  '"(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|BEGIN|COMMIT|ROLLBACK|WITH) ' \
  | grep -v '^collector/store/' || true)
[[ -z "$sql" ]] || report "SQL outside collector/store/" "$sql"

back=$(sources planner common | xargs -0 grep -nE '#include "(collector|agent)/' || true)
[[ -z "$back" ]] || report "planner/ or common/ includes collector or agent code" "$back"

agent=$(sources agent | xargs -0 grep -nE '#include "(collector|planner)/' || true)
[[ -z "$agent" ]] || report "agent/ includes collector or planner code" "$agent"

collector=$(sources collector | xargs -0 grep -nE '#include "agent/' || true)
[[ -z "$collector" ]] || report "collector/ includes agent code" "$collector"

# Fleet field paths as string literals in code (comments aside): the table owns them. Other
# documents share plain names such as "hostname", so this looks for the fleet's own dotted paths.
fleet=$(sources agent collector planner common | xargs -0 grep -nE \
  '^[^/]*"(os\.(family|name|version|arch)|cpu\.(cores|model|mhz)|(disks|software|services|listening)\[\]\.[a-z_]+|utilisation\.[a-z_]+)"' \
  | grep -v '^common/protocol/fleet_fields.cpp' || true)
[[ -z "$fleet" ]] || report "sahab-fleet/1 field paths typed outside its field table" "$fleet"

if ((failed)); then exit 1; fi
echo "architecture: SQL only in collector/store, no back arrows, fleet fields in one table"
