#pragma once
// The rows the fleet reader is built from (fleet_export.h: the sahab-fleet/1 export and the
// fleet the plan service and the fleet summary share): hosts with their stored documents as text,
// and agent hosts' inventory sections.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "collector/store/sqlite.h"

namespace sahab::collector {

struct FleetHostRow {
  std::string id, hostname, labels_json, source;
  std::string imported_json;  // the imported sahab-fleet/1 host object; empty for agent hosts
};
// Every host, by id.
std::vector<FleetHostRow> fleet_host_rows(Database& db);

// An agent host's current inventory sections as (section, data JSON).
std::vector<std::pair<std::string, std::string>> inventory_data(Database& db,
                                                                const std::string& host_id);

}  // namespace sahab::collector
