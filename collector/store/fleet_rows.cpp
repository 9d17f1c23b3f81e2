#include "collector/store/fleet_rows.h"

namespace sahab::collector {

void for_each_fleet_host_page(
    Database& db, const std::function<void(const std::vector<FleetHostRow>&)>& on_page) {
  Statement& s = db.cached(
      "SELECT h.id, h.hostname, h.labels, h.source, h.imported, CASE WHEN h.source = 'import' "
      "AND (EXISTS (SELECT 1 FROM summary_blocks b WHERE b.host_id = h.id) OR EXISTS "
      "(SELECT 1 FROM rollup_blocks r WHERE r.host_id = h.id)) THEN (SELECT s.kind FROM "
      "source_hosts sh JOIN sources s ON s.id = sh.source_id WHERE sh.host_id = h.id LIMIT 1) "
      "END FROM hosts h ORDER BY h.id",
      Rows::kInPieces);
  const ResetOnExit reset_on_exit(s);
  std::vector<FleetHostRow> page;
  page.reserve(kFleetHostsPerPage);
  while (s.step()) {
    page.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4),
                    s.is_null(5) ? std::string() : s.text(5)});
    if (page.size() < kFleetHostsPerPage) continue;
    on_page(page);
    page.clear();
  }
  if (!page.empty()) on_page(page);
}

InventoryByHost inventory_of_hosts(Database& db, const std::string& first,
                                   const std::string& last) {
  Statement& s = db.cached(
                       "SELECT host_id, section, data FROM inventory_current "
                       "WHERE host_id BETWEEN ? AND ? ORDER BY host_id, section")
                     .with(first, last);
  InventoryByHost out;
  while (s.step()) out[s.text(0)].emplace_back(s.text(1), s.text(2));
  return out;
}

}  // namespace sahab::collector
