#pragma once
// Agents, their credentials (stored as SHA-256 only), revocations and the audit log.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collector/store/database.h"

namespace sahab::collector {

struct AgentRecord {
  std::int64_t id = 0;
  std::string host_id;
  bool revoked = false;
};

// Registers a new credential for `host_id` (creating the host when new, turning an imported one
// into an agent host) and audits it as `action` ('enrol', 'rotate', 'link_imported') with `note`
// added to the detail. The caller decides whether the enrolment may take the host over
// (collector/api/enrolment_routes.cpp).
std::int64_t enrol_agent(Database& db, const std::string& host_id, const std::string& hostname,
                         const std::string& credential_sha256, const std::string& actor,
                         std::int64_t now, const std::string& action = "enrol",
                         const std::string& note = "");

// Every agent credential ever issued, oldest first, with its revocation if any, and the state of
// its host as the collector sees it: last push, the agent's version, the newest measurement.
struct AgentListing {
  std::int64_t id = 0;
  std::string host_id;
  std::int64_t created_at = 0;
  std::string created_from;
  std::optional<std::int64_t> revoked_at;
  std::string revoke_reason;
  std::string hostname;
  std::string state;  // the host's: "active" or "stale"
  std::optional<std::int64_t> last_seen;
  std::string agent_version;  // from the identity section, "" before the first inventory
  // End of the newest summary stored: well before last_seen, the agent is emptying its spool.
  std::optional<std::int64_t> measured_until;
};
std::vector<AgentListing> list_agents(Database& db);

std::optional<AgentRecord> find_agent_by_credential(Database& db,
                                                    const std::string& credential_sha256);

// false when no such agent; revoking twice is harmless.
bool revoke_agent(Database& db, std::int64_t agent_id, const std::string& reason,
                  const std::string& actor, std::int64_t now);

void audit(Database& db, std::int64_t now, const std::string& action,
           std::optional<std::int64_t> agent_id, const std::string& host_id,
           const std::string& actor, const std::string& detail);

}  // namespace sahab::collector
