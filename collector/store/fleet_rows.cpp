#include "collector/store/fleet_rows.h"

namespace sahab::collector {

void for_each_fleet_host_row(Database& db, const std::function<void(const FleetHostRow&)>& on_row) {
  Statement& s = db.cached("SELECT id, hostname, labels, source, imported FROM hosts ORDER BY id");
  while (s.step()) on_row({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4)});
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
