#pragma once
// The rows the fleet reader is built from (fleet_export.h: the sahab-fleet/1 export and the
// fleet the plan service and the fleet summary share): hosts with their stored documents as text,
// and agent hosts' inventory sections.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>
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
// Hosts per page of the fleet's reading: the per-host rows of a page (inventory, utilisation
// blocks) are read in one statement each for all its hosts, rather than a few statements per host,
// each a round trip to PostgreSQL (issue 17). It bounds what is in memory at once, whatever the
// fleet's size: a page's rows, on PostgreSQL first as text (bytea in hex). That is under 1 MB for
// 64 hosts with a day of summaries, but a host whose raw days are not rolled up yet holds
// ~100-300 KB of blocks in a 30-day window, so a page of those can reach some 20 MB (40 in hex).
inline constexpr std::size_t kFleetHostsPerPage = 64;

// Calls `on_page` for every kFleetHostsPerPage hosts (the last page may hold fewer), by id, as the
// rows are read (on PostgreSQL through a cursor, Rows::kInPieces): an imported host's document is
// in memory only while its page is handled, on both engines. `on_page` may run other statements
// on `db`.
void for_each_fleet_host_page(Database& db,
                              const std::function<void(const std::vector<FleetHostRow>&)>& on_page);

// Inventory sections (section, data JSON) by host.
using InventoryByHost =
    std::unordered_map<std::string, std::vector<std::pair<std::string, std::string>>>;
// The current inventory sections of the hosts with ids from `first` to `last` in the store's
// order (both included), by host id: a page's in one statement.
InventoryByHost inventory_of_hosts(Database& db, const std::string& first, const std::string& last);

}  // namespace sahab::collector
