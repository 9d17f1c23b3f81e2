#pragma once
// Enrolment requests waiting for an administrator (docs/api.md, "Enrolment"): an agent asked for
// a credential under the id of a host that already has a live one, or of an imported host.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collector/store/database.h"

namespace sahab::collector {

// What enrolling under `host_id` would take over.
struct HostClaim {
  bool exists = false;
  std::string source;                 // 'agent' or 'import' when it exists
  std::int64_t live_credentials = 0;  // credentials of the host that are not revoked
};
HostClaim host_claim(Database& db, const std::string& host_id);

struct EnrolmentRequest {
  std::int64_t id = 0;
  std::string host_id;
  std::string hostname;
  std::string reason;  // 'host_enrolled' or 'imported_host'
  std::string state;   // 'pending', 'approved', 'rejected', 'collected'
  std::int64_t requested_at = 0;
  std::string requested_from;
  std::int64_t last_attempt_at = 0;
  std::int64_t attempts = 0;
  std::optional<std::int64_t> decided_at;
  std::string decided_by;
};

std::optional<EnrolmentRequest> find_enrolment_request(Database& db,
                                                       const std::string& secret_sha256);
// A new pending request, audited ('enrol_pending').
std::int64_t create_enrolment_request(Database& db, const std::string& host_id,
                                      const std::string& hostname, const std::string& secret_sha256,
                                      const std::string& reason, const std::string& from,
                                      std::int64_t now);
// The agent asked again: counted, not audited.
void touch_enrolment_request(Database& db, std::int64_t id, std::int64_t now);
// The requests an administrator may act on or that wait for their agent: 'pending' and
// 'approved', oldest first.
std::vector<EnrolmentRequest> open_enrolment_requests(Database& db);

enum class Decision { kDecided, kNotFound, kNotPending };
// Approves or rejects a pending request, audited ('enrol_approve' or 'enrol_reject').
Decision decide_enrolment_request(Database& db, std::int64_t id, bool approve,
                                  const std::string& actor, std::int64_t now);
// The approved request's agent collected its credential `agent_id`.
void mark_enrolment_request_collected(Database& db, std::int64_t id, std::int64_t agent_id);

// Revokes every live credential of `host_id` (each audited 'revoke'); how many.
int revoke_host_credentials(Database& db, const std::string& host_id, const std::string& reason,
                            const std::string& actor, std::int64_t now);

}  // namespace sahab::collector
