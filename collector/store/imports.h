#pragma once
// Writes imported hosts (servers without agents) and their declared connections.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "collector/store/sqlite.h"

namespace sahab::collector {

// What writing an imported host would do to the stored one.
enum class ImportedHostChange {
  kCreated,    // no host has its id
  kUpdated,    // an imported host with other values
  kUnchanged,  // an imported host with the same hostname, labels and fields
  kAgentHost,  // a host reporting through an agent: never replaced
};
ImportedHostChange imported_host_change(Database& db, const nlohmann::json& host);

// Another stored host that is the same server by name: `hostname` exactly ("hostname"), else
// its first label, for an FQDN imported for a server whose agent reports its short name
// ("short hostname"). nullopt when none or no hostname.
struct HostMatch {
  std::string id, source, rule;  // source: "agent" or "import"
};
std::optional<HostMatch> host_named(Database& db, const std::string& id,
                                    const std::string& hostname);

// The agent host whose id is the SMBIOS UUID `uuid` (an agent without /etc/machine-id takes its
// DMI product_uuid, dashes dropped), rule "SMBIOS UUID"; nullopt when none or `uuid` is empty.
std::optional<HostMatch> agent_with_uuid(Database& db, const std::string& uuid);

// false (nothing written) when the id belongs to a host reporting through an agent.
bool upsert_imported_host(Database& db, const nlohmann::json& host, std::int64_t now);

void upsert_declared_edge(Database& db, const nlohmann::json& connection, std::int64_t now);

}  // namespace sahab::collector
