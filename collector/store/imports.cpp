#include "collector/store/imports.h"

#include <map>

#include "collector/ingest/document.h"

namespace sahab::collector {

std::optional<StoredHost> stored_host(Database& db, const std::string& id) {
  Statement& s =
      db.cached("SELECT source, hostname, labels, imported FROM hosts WHERE id = ?").with(id);
  std::optional<StoredHost> out;
  if (s.step()) {
    out = StoredHost{id, s.text(0), s.text(1), s.text(2), std::nullopt};
    if (!s.is_null(3)) out->imported_json = s.text(3);
  }
  s.reset();
  return out;
}

std::vector<StoredIdentity> stored_identities(Database& db) {
  Statement& hosts =
      db.cached("SELECT h.id, h.source, h.hostname, h.labels, coalesce(" +
                db.dialect().json_text("i.data", "dmi", "uuid") +
                ", '') FROM hosts h "
                "LEFT JOIN inventory_current i ON i.host_id = h.id AND i.section = 'system' "
                "AND " +
                db.dialect().json_valid("i.data") + " ORDER BY h.id")
          .with();
  std::vector<StoredIdentity> out;
  std::map<std::string, std::size_t> index;
  while (hosts.step()) {
    index[hosts.text(0)] = out.size();
    out.push_back({hosts.text(0), hosts.text(1), hosts.text(2), hosts.text(3), hosts.text(4), {}});
  }
  Statement& addresses =
      db.cached("SELECT host_id, address FROM host_addresses ORDER BY address").with();
  while (addresses.step()) {
    if (const auto it = index.find(addresses.text(0)); it != index.end())
      out[it->second].addresses.push_back(addresses.text(1));
  }
  return out;
}

bool upsert_imported_host(Database& db, const nlohmann::json& host, std::int64_t now) {
  const std::string id = host.at("id").get<std::string>();  // validated by the import
  const auto existing = stored_host(db, id);
  if (existing && existing->source == "agent") return false;
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

bool set_agent_fill_in(Database& db, const std::string& id, const nlohmann::json& fill) {
  if (fill.contains("labels")) parse_labels(fill["labels"], "labels");
  db.cached("UPDATE hosts SET imported = ?2 WHERE id = ?1 AND source = 'agent'")
      .with(id, fill.is_null() ? std::nullopt : std::optional(fill.dump()))
      .run();
  return db.changes() > 0;
}

void upsert_declared_edge(Database& db, const nlohmann::json& c, std::int64_t now) {
  const auto bytes = c.value("bytes_per_day", nlohmann::json());
  db.cached(
        "INSERT INTO edges(source_host, direction, remote_address, remote_port, local_port, "
        "process, count, target_host, bytes_per_day, first_seen, last_seen) "
        "VALUES (?1, 'declared', ?2, ?3, 0, '', ?4, ?2, ?5, ?6, ?6) "
        "ON CONFLICT(source_host, direction, remote_address, remote_port, local_port) DO UPDATE "
        "SET "
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
