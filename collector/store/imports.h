#pragma once
// Writes imported hosts (servers without agents), what imports add to agent hosts, and declared
// connections; reads what matching an imported server to a stored host needs.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "collector/store/database.h"

namespace sahab::collector {

// A stored host as an import sees it.
struct StoredHost {
  std::string id, source;  // source: "agent" or "import"
  std::string hostname;
  std::string labels_json;
  // An imported host's sahab-fleet/1 fields without id, hostname and labels; for an agent host,
  // what imports filled in (labels included), which the agent's own data overrides.
  std::optional<std::string> imported_json;
};
std::optional<StoredHost> stored_host(Database& db, const std::string& id);

// What a stored host can be recognised by (api/import_match.h).
struct StoredIdentity {
  std::string id, source, hostname;
  std::string labels_json;             // an imported host's import.uuid and addresses
  std::string dmi_uuid;                // an agent host's SMBIOS UUID (system inventory)
  std::vector<std::string> addresses;  // an agent host's NIC addresses
};
// Every stored host: two queries, whatever the number of hosts.
std::vector<StoredIdentity> stored_identities(Database& db);

// false (nothing written) when the id belongs to a host reporting through an agent.
bool upsert_imported_host(Database& db, const nlohmann::json& host, std::int64_t now);
// What imports know of an agent host that its agent does not report (the VMware cluster, power
// state, ...): `fill` is a sahab-fleet/1 host object without id and hostname, or null to forget
// it. false when `id` is no agent host.
bool set_agent_fill_in(Database& db, const std::string& id, const nlohmann::json& fill);

void upsert_declared_edge(Database& db, const nlohmann::json& connection, std::int64_t now);

}  // namespace sahab::collector
