#include "collector/store/edges.h"

#include <map>
#include <tuple>

namespace sahab::collector {

std::vector<Edge> load_edges(Database& db) {
  std::map<std::tuple<std::string, std::string, std::string, std::int64_t>, Edge> unique;
  Statement& s = db.cached(
      "SELECT e.source_host, e.direction, e.remote_address, e.remote_port, e.local_port, "
      "e.process, e.count, coalesce(e.target_host, a.host_id, ''), e.bytes_per_day, e.last_seen "
      "FROM edges e LEFT JOIN host_addresses a "
      "ON e.target_host IS NULL AND a.address = e.remote_address");
  while (s.step()) {
    const std::string direction = s.text(1), resolved = s.text(7);
    Edge edge;
    const bool inbound = direction == "inbound";
    edge.source = inbound ? resolved : s.text(0);
    edge.target = inbound ? s.text(0) : resolved;
    edge.port = inbound ? s.integer(4) : s.integer(3);
    edge.remote_address = resolved.empty() ? s.text(2) : "";
    edge.process = s.text(5);
    edge.connections = s.integer(6);
    if (!s.is_null(8)) edge.bytes_per_day = s.real(8);
    edge.last_seen = s.integer(9);
    const auto key = std::tuple{edge.source, edge.target, edge.remote_address, edge.port};
    auto [it, inserted] = unique.try_emplace(key, edge);
    if (!inserted) {
      it->second.connections = std::max(it->second.connections, edge.connections);
      it->second.last_seen = std::max(it->second.last_seen, edge.last_seen);
      if (it->second.process.empty()) it->second.process = edge.process;
    }
  }
  std::vector<Edge> out;
  for (auto& [key, edge] : unique) out.push_back(std::move(edge));
  return out;
}

std::vector<Dependency> host_dependencies(Database& db, const std::string& host_id) {
  Statement& s = db.cached(
                       "SELECT DISTINCT coalesce(e.target_host, a.host_id, ''), e.remote_address, "
                       "e.remote_port, e.process FROM edges e LEFT JOIN host_addresses a "
                       "ON e.target_host IS NULL AND a.address = e.remote_address "
                       "WHERE e.source_host = ? AND e.direction <> 'inbound'")
                     .with(host_id);
  std::vector<Dependency> out;
  while (s.step()) out.push_back({s.text(0), s.text(1), s.integer(2), s.text(3)});
  return out;
}

}  // namespace sahab::collector
