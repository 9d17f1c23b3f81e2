#include "collector/store/imports.h"

#include "collector/ingest/document.h"

namespace sahab::collector {

bool upsert_imported_host(Database& db, const nlohmann::json& host, std::int64_t now) {
  const std::string id = host.at("id").get<std::string>();  // validated by the import
  Statement& existing = db.cached("SELECT source FROM hosts WHERE id = ?").with(id);
  const bool agent_host = existing.step() && existing.text(0) == "agent";
  existing.reset();
  if (agent_host) return false;
  nlohmann::json rest = host;
  for (const char* key : {"id", "hostname", "labels"}) rest.erase(key);
  const nlohmann::json labels =
      parse_labels(host.value("labels", nlohmann::json::object()), "labels");
  db.cached(
        "INSERT INTO hosts(id, hostname, labels, source, state, first_seen, last_seen, imported) "
        "VALUES (?1, ?2, ?3, 'import', 'imported', ?4, ?4, ?5) ON CONFLICT(id) DO UPDATE SET "
        "hostname = excluded.hostname, labels = excluded.labels, last_seen = excluded.last_seen, "
        "imported = excluded.imported")
      .with(id, host.value("hostname", ""), labels.dump(), now, rest.dump())
      .run();
  return true;
}

void upsert_declared_edge(Database& db, const nlohmann::json& c, std::int64_t now) {
  const auto bytes = c.value("bytes_per_day", nlohmann::json());
  db.cached(
        "INSERT INTO edges(source_host, direction, remote_address, remote_port, local_port, "
        "process, count, target_host, bytes_per_day, first_seen, last_seen) "
        "VALUES (?1, 'declared', ?2, ?3, 0, '', ?4, ?2, ?5, ?6, ?6) ON CONFLICT DO UPDATE SET "
        "count = excluded.count, bytes_per_day = excluded.bytes_per_day, last_seen = "
        "excluded.last_seen")
      .with(c["source"].get<std::string>(), c["target"].get<std::string>(),
            c["port"].get<std::int64_t>(),
            c.value("connections_per_day", nlohmann::json(1)).is_number()
                ? static_cast<std::int64_t>(c.value("connections_per_day", 1.0))
                : std::int64_t{1},
            bytes.is_number() ? std::optional<double>(bytes.get<double>()) : std::nullopt, now)
      .run();
}

}  // namespace sahab::collector
