#pragma once
// The rows the fleet readers are built from (the sahab-fleet/1 export, the planner's fleet, the
// fleet summary): hosts with their stored documents as text, and agent hosts' inventory sections.
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

// An agent host's current inventory sections as (section, data JSON); `only` restricts them to
// the named sections (all when empty).
std::vector<std::pair<std::string, std::string>> inventory_data(
    Database& db, const std::string& host_id, const std::vector<std::string>& only = {});

struct HostListRow {
  std::string id, hostname, state, labels_json;
};
// Agent hosts, by id.
std::vector<HostListRow> agent_host_rows(Database& db);

// Imported hosts with the figures the fleet summary shows, read in one json_extract per document
// (SQLite 3.40 has no parse cache): a JSON array of os.name, os.family, os.version, cpu.cores,
// memory_bytes, utilisation.cpu_ratio.p95, utilisation.memory_ratio.p95, disks.
struct ImportedFiguresRow {
  HostListRow host;
  std::string figures_json;
};
std::vector<ImportedFiguresRow> imported_host_figures(Database& db);

}  // namespace sahab::collector
