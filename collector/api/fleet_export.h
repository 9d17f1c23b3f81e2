#pragma once
// sahab-fleet/1 (BRIEF §3): the interchange with the planner. Agent hosts are described from their
// inventory and utilisation percentiles over a window; imported hosts as they were imported.
// Part of sahab_fleet_export, the small library the collector and `sahab-planner plan --db` share.
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <string_view>

#include "collector/config.h"
#include "collector/store/database.h"
#include "planner/fleet.h"

namespace sahab::collector {

// The utilisation window a fleet is exported over.
struct FleetWindow {
  std::int64_t now = 0;                // unix seconds; the window ends here
  std::int64_t seconds = 30 * 86'400;  // its length
  std::int64_t raw_from = 0;           // before this, daily rollups answer (raw retention)
  double expected_summaries = 1;       // report intervals in the window, for coverage
};
FleetWindow fleet_window(const CollectorConfig& config, std::int64_t now, std::int64_t seconds);

// The fleet of every host in the database `db` (a reader connection, or a read-only one).
nlohmann::json export_fleet(Database& db, const FleetWindow& window);

// The same document as text, written piece by piece while the hosts are read (GET
// /api/v1/fleet): the bytes of export_fleet's document as the API dumps it, plus a newline,
// without the document in memory.
void write_fleet(Database& db, const FleetWindow& window,
                 const std::function<void(std::string_view)>& write);

// Each host object of export_fleet's document, handed on as it is read (the CSV export).
void for_each_fleet_host(Database& db, const FleetWindow& window,
                         const std::function<void(const nlohmann::json& host)>& visit);

// The same fleet straight into the planner's structs, read from the same rows by the same code,
// with the planner's checks and assumptions (planner::FleetBuilder): what
// planner::fleet_from_json(export_fleet(db, window)) gives, without the document in between.
// A host the planner would refuse is described by what the collector itself knows of it (id, name,
// labels, measured utilisation), on both paths, and added to `described_in_part` with its
// problem. Throws planner::FleetError when the planner would refuse the document for other
// reasons (a connection beyond its ranges).
planner::Fleet planner_fleet(Database& db, const FleetWindow& window,
                             std::vector<protocol::HostProblem>* described_in_part = nullptr);

// The fleet host object of an agent host from its inventory sections (without utilisation).
nlohmann::json host_from_inventory(const nlohmann::json& sections);

}  // namespace sahab::collector
