#include "collector/store/enrolment_requests.h"

#include "collector/store/agents.h"

namespace sahab::collector {
namespace {

constexpr const char* kRequestColumns =
    "id, host_id, hostname, reason, state, requested_at, requested_from, last_attempt_at, "
    "attempts, decided_at, coalesce(decided_by, '')";

EnrolmentRequest request_of(const Statement& s) {
  EnrolmentRequest r;
  r.id = s.integer(0);
  r.host_id = s.text(1);
  r.hostname = s.text(2);
  r.reason = s.text(3);
  r.state = s.text(4);
  r.requested_at = s.integer(5);
  r.requested_from = s.text(6);
  r.last_attempt_at = s.integer(7);
  r.attempts = s.integer(8);
  if (!s.is_null(9)) r.decided_at = s.integer(9);
  r.decided_by = s.text(10);
  return r;
}

}  // namespace

HostClaim host_claim(Database& db, const std::string& host_id) {
  HostClaim claim;
  Statement& host = db.cached("SELECT source FROM hosts WHERE id = ?").with(host_id);
  if (host.step()) {
    claim.exists = true;
    claim.source = host.text(0);
  }
  host.reset();
  Statement& live = db.cached(
                          "SELECT count(*) FROM agents a LEFT JOIN revocations r "
                          "ON r.agent_id = a.id WHERE a.host_id = ? AND r.agent_id IS NULL")
                        .with(host_id);
  if (live.step()) claim.live_credentials = live.integer(0);
  live.reset();
  return claim;
}

std::optional<EnrolmentRequest> find_enrolment_request(Database& db,
                                                       const std::string& secret_sha256) {
  Statement& s = db.cached(std::string("SELECT ") + kRequestColumns +
                           " FROM enrolment_requests WHERE secret_sha256 = ?")
                     .with(secret_sha256);
  std::optional<EnrolmentRequest> out;
  if (s.step()) out = request_of(s);
  s.reset();
  return out;
}

std::int64_t create_enrolment_request(Database& db, const std::string& host_id,
                                      const std::string& hostname, const std::string& secret_sha256,
                                      const std::string& reason, const std::string& from,
                                      std::int64_t now) {
  db.cached(
        "INSERT INTO enrolment_requests(host_id, hostname, secret_sha256, reason, requested_at, "
        "requested_from, last_attempt_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5)")
      .with(host_id, hostname, secret_sha256, reason, now, from)
      .run();
  const auto id = db.last_insert_rowid();
  audit(db, now, "enrol_pending", std::nullopt, host_id, from,
        "request " + std::to_string(id) + " (" + reason + "), hostname=" + hostname);
  return id;
}

void touch_enrolment_request(Database& db, std::int64_t id, std::int64_t now) {
  db.cached(
        "UPDATE enrolment_requests SET last_attempt_at = ?2, attempts = attempts + 1 WHERE id = ?1")
      .with(id, now)
      .run();
}

std::vector<EnrolmentRequest> open_enrolment_requests(Database& db) {
  Statement& s = db.cached(std::string("SELECT ") + kRequestColumns +
                           " FROM enrolment_requests WHERE state IN ('pending', 'approved') "
                           "ORDER BY id");
  s.reset();
  std::vector<EnrolmentRequest> out;
  while (s.step()) out.push_back(request_of(s));
  return out;
}

Decision decide_enrolment_request(Database& db, std::int64_t id, bool approve,
                                  const std::string& actor, std::int64_t now) {
  Statement& find =
      db.cached("SELECT host_id, state FROM enrolment_requests WHERE id = ?").with(id);
  if (!find.step()) return Decision::kNotFound;
  const std::string host_id = find.text(0), state = find.text(1);
  find.reset();
  if (state != "pending") return Decision::kNotPending;
  db.cached(
        "UPDATE enrolment_requests SET state = ?2, decided_at = ?3, decided_by = ?4 "
        "WHERE id = ?1")
      .with(id, approve ? "approved" : "rejected", now, actor)
      .run();
  audit(db, now, approve ? "enrol_approve" : "enrol_reject", std::nullopt, host_id, actor,
        "request " + std::to_string(id));
  return Decision::kDecided;
}

void mark_enrolment_request_collected(Database& db, std::int64_t id, std::int64_t agent_id) {
  db.cached("UPDATE enrolment_requests SET state = 'collected', agent_id = ?2 WHERE id = ?1")
      .with(id, agent_id)
      .run();
}

int revoke_host_credentials(Database& db, const std::string& host_id, const std::string& reason,
                            const std::string& actor, std::int64_t now) {
  std::vector<std::int64_t> live;
  Statement& s = db.cached(
                       "SELECT a.id FROM agents a LEFT JOIN revocations r ON r.agent_id = a.id "
                       "WHERE a.host_id = ? AND r.agent_id IS NULL")
                     .with(host_id);
  while (s.step()) live.push_back(s.integer(0));
  s.reset();
  for (const auto id : live) revoke_agent(db, id, reason, actor, now);
  return static_cast<int>(live.size());
}

}  // namespace sahab::collector
