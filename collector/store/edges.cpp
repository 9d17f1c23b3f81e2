#include "collector/store/edges.h"

namespace sahab::collector {

// The same edge seen from both ends (or twice from one) is grouped in SQL rather than in a map,
// so the fleet export holds one edge at a time however many there are: the most connections and
// bytes and the latest sighting of its rows, the least non-empty process name.
void for_each_edge(Database& db, const std::function<void(const Edge&)>& on_edge) {
  Statement& s = db.cached(
      "SELECT source, target, remote, port, max(connections), max(last_seen), "
      "min(nullif(process, '')), max(bytes) FROM (SELECT "
      "CASE WHEN e.direction = 'inbound' THEN coalesce(e.target_host, a.host_id, '') "
      "ELSE e.source_host END AS source, "
      "CASE WHEN e.direction = 'inbound' THEN e.source_host "
      "ELSE coalesce(e.target_host, a.host_id, '') END AS target, "
      "CASE WHEN coalesce(e.target_host, a.host_id, '') = '' THEN e.remote_address ELSE '' END "
      "AS remote, "
      "CASE WHEN e.direction = 'inbound' THEN e.local_port ELSE e.remote_port END AS port, "
      "e.count AS connections, e.last_seen, e.process, e.bytes_per_day AS bytes "
      "FROM edges e LEFT JOIN host_addresses a "
      "ON e.target_host IS NULL AND a.address = e.remote_address) resolved "
      "GROUP BY source, target, remote, port ORDER BY source, target, remote, port",
      Rows::kInPieces);
  const ResetOnExit reset_on_exit(s);
  while (s.step()) {
    Edge edge{s.text(0), s.text(1),    s.text(2),    s.integer(3),
              s.text(6), s.integer(4), std::nullopt, s.integer(5)};
    if (!s.is_null(7)) edge.bytes_per_day = s.real(7);
    on_edge(edge);
  }
}

std::vector<Edge> load_edges(Database& db) {
  std::vector<Edge> out;
  for_each_edge(db, [&out](const Edge& edge) { out.push_back(edge); });
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
