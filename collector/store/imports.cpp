#include "collector/store/imports.h"

#include <cctype>

#include "collector/ingest/document.h"

namespace sahab::collector {

namespace {

// The host's columns as upsert_imported_host stores them: labels, and the rest as "imported".
std::pair<nlohmann::json, nlohmann::json> labels_and_rest(const nlohmann::json& host) {
  nlohmann::json rest = host;
  for (const char* key : {"id", "hostname", "labels"}) rest.erase(key);
  return {parse_labels(host.value("labels", nlohmann::json::object()), "labels"), rest};
}

}  // namespace

ImportedHostChange imported_host_change(Database& db, const nlohmann::json& host) {
  Statement& stored = db.cached("SELECT source, hostname, labels, imported FROM hosts WHERE id = ?")
                          .with(host.at("id").get<std::string>());
  if (!stored.step()) {
    stored.reset();
    return ImportedHostChange::kCreated;
  }
  const bool agent = stored.text(0) == "agent";
  const auto [labels, rest] = labels_and_rest(host);
  const bool same = stored.text(1) == host.value("hostname", "") &&
                    nlohmann::json::parse(stored.text(2), nullptr, false) == labels &&
                    nlohmann::json::parse(stored.text(3), nullptr, false) == rest;
  stored.reset();
  return agent  ? ImportedHostChange::kAgentHost
         : same ? ImportedHostChange::kUnchanged
                : ImportedHostChange::kUpdated;
}

std::optional<HostMatch> host_named(Database& db, const std::string& id,
                                    const std::string& hostname) {
  const std::string short_name = hostname.substr(0, hostname.find('.'));
  for (const auto& [name, rule] :
       {std::pair{hostname, "hostname"}, {short_name, "short hostname"}}) {
    if (name.empty() || (name == hostname && rule != std::string("hostname"))) continue;
    Statement& found =
        db.cached("SELECT id, source FROM hosts WHERE hostname = ?1 AND id != ?2 LIMIT 1")
            .with(name, id);
    if (found.step()) {
      HostMatch match{found.text(0), found.text(1), rule};
      found.reset();
      return match;
    }
    found.reset();
  }
  return std::nullopt;
}

std::optional<HostMatch> agent_with_uuid(Database& db, const std::string& uuid) {
  std::string id;
  for (const char c : uuid)
    if (c != '-') id += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (id.empty()) return std::nullopt;
  Statement& found = db.cached("SELECT id FROM hosts WHERE id = ? AND source = 'agent'").with(id);
  std::optional<HostMatch> match;
  if (found.step()) match = HostMatch{found.text(0), "agent", "SMBIOS UUID"};
  found.reset();
  return match;
}

bool upsert_imported_host(Database& db, const nlohmann::json& host, std::int64_t now) {
  const std::string id = host.at("id").get<std::string>();  // validated by the import
  Statement& existing = db.cached("SELECT source FROM hosts WHERE id = ?").with(id);
  const bool agent_host = existing.step() && existing.text(0) == "agent";
  existing.reset();
  if (agent_host) return false;
  const auto [labels, rest] = labels_and_rest(host);
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
