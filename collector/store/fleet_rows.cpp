#include "collector/store/fleet_rows.h"

namespace sahab::collector {

void for_each_fleet_host_row(Database& db, const std::function<void(const FleetHostRow&)>& on_row) {
  Statement& s = db.cached(
      "SELECT h.id, h.hostname, h.labels, h.source, h.imported, CASE WHEN h.source = 'import' "
      "AND (EXISTS (SELECT 1 FROM summary_blocks b WHERE b.host_id = h.id) OR EXISTS "
      "(SELECT 1 FROM rollup_blocks r WHERE r.host_id = h.id)) THEN (SELECT s.kind FROM "
      "source_hosts sh JOIN sources s ON s.id = sh.source_id WHERE sh.host_id = h.id LIMIT 1) "
      "END FROM hosts h ORDER BY h.id",
      Rows::kInPieces);
  const ResetOnExit reset_on_exit(s);
  while (s.step()) {
    on_row({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4),
            s.is_null(5) ? std::string() : s.text(5)});
  }
}

std::vector<std::pair<std::string, std::string>> inventory_data(Database& db,
                                                                const std::string& host_id) {
  Statement& s =
      db.cached("SELECT section, data FROM inventory_current WHERE host_id = ?").with(host_id);
  std::vector<std::pair<std::string, std::string>> out;
  while (s.step()) out.emplace_back(s.text(0), s.text(1));
  return out;
}

}  // namespace sahab::collector
