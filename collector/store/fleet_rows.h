#pragma once
// The rows the fleet reader is built from (fleet_export.h: the sahab-fleet/1 export and the
// fleet the plan service and the fleet summary share): hosts with their stored documents as text,
// and agent hosts' inventory sections.
#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "collector/store/database.h"

namespace sahab::collector {

struct FleetHostRow {
  std::string id, hostname, labels_json, source;
  // An imported host's sahab-fleet/1 object; for an agent host, what imports filled in (empty
  // when none).
  std::string imported_json;
  // An imported host measured by a discovery source (performance history stored as utilisation
  // summaries): the source's kind ("vcenter"); empty otherwise.
  std::string measured_by;
};
// Calls `on_row` for every host, by id, as the rows are read (on PostgreSQL through a cursor,
// Rows::kInPieces): an imported host's document is in memory only while it is handled, on both
// engines. `on_row` may run other statements on `db`.
void for_each_fleet_host_row(Database& db, const std::function<void(const FleetHostRow&)>& on_row);

// An agent host's current inventory sections as (section, data JSON).
std::vector<std::pair<std::string, std::string>> inventory_data(Database& db,
                                                                const std::string& host_id);

}  // namespace sahab::collector
