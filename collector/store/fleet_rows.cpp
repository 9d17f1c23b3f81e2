#include "collector/store/fleet_rows.h"

namespace sahab::collector {

std::vector<FleetHostRow> fleet_host_rows(Database& db) {
  Statement& s = db.cached("SELECT id, hostname, labels, source, imported FROM hosts ORDER BY id");
  std::vector<FleetHostRow> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2), s.text(3), s.text(4)});
  return out;
}

std::vector<std::pair<std::string, std::string>> inventory_data(
    Database& db, const std::string& host_id, const std::vector<std::string>& only) {
  std::string sql = "SELECT section, data FROM inventory_current WHERE host_id = ?";
  if (!only.empty()) {
    sql += " AND section IN (?";
    for (std::size_t i = 1; i < only.size(); ++i) sql += ", ?";
    sql += ")";
  }
  Statement& s = db.cached(sql).with(host_id);
  for (std::size_t i = 0; i < only.size(); ++i) s.bind(static_cast<int>(i + 2), only[i]);
  std::vector<std::pair<std::string, std::string>> out;
  while (s.step()) out.emplace_back(s.text(0), s.text(1));
  return out;
}

std::vector<HostListRow> agent_host_rows(Database& db) {
  Statement& s =
      db.cached("SELECT id, hostname, state, labels FROM hosts WHERE source = 'agent' ORDER BY id");
  std::vector<HostListRow> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.text(2), s.text(3)});
  return out;
}

std::vector<ImportedFiguresRow> imported_host_figures(Database& db) {
  Statement& s = db.cached(
      "SELECT id, hostname, state, labels, json_extract(imported, '$.os.name', '$.os.family', "
      "'$.os.version', '$.cpu.cores', "
      "'$.memory_bytes', '$.utilisation.cpu_ratio.p95', '$.utilisation.memory_ratio.p95', "
      "'$.disks') FROM hosts WHERE source = 'import'");
  std::vector<ImportedFiguresRow> out;
  while (s.step()) out.push_back({{s.text(0), s.text(1), s.text(2), s.text(3)}, s.text(4)});
  return out;
}

}  // namespace sahab::collector
