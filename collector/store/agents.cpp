#include "collector/store/agents.h"

namespace sahab::collector {

void audit(Database& db, std::int64_t now, const std::string& action,
           std::optional<std::int64_t> agent_id, const std::string& host_id,
           const std::string& actor, const std::string& detail) {
  db.cached(
        "INSERT INTO audit_log(at, action, agent_id, host_id, actor, detail) "
        "VALUES (?, ?, ?, ?, ?, ?)")
      .with(now, action, agent_id, host_id, actor, detail)
      .run();
}

std::int64_t enrol_agent(Database& db, const std::string& host_id, const std::string& hostname,
                         const std::string& credential_sha256, const std::string& actor,
                         std::int64_t now, const std::string& action, const std::string& note) {
  db.cached(
        "INSERT INTO hosts(id, hostname, source, state, first_seen, last_seen, address) "
        "VALUES (?1, ?2, 'agent', 'active', ?3, ?3, ?4) "
        "ON CONFLICT(id) DO UPDATE SET source = 'agent', "
        "hostname = CASE WHEN excluded.hostname <> '' THEN excluded.hostname ELSE hosts.hostname "
        "END, "
        "state = 'active', imported = NULL")
      .with(host_id, hostname, now, actor)
      .run();
  db.cached(
        "INSERT INTO agents(host_id, credential_sha256, created_at, created_from) "
        "VALUES (?, ?, ?, ?)")
      .with(host_id, credential_sha256, now, actor)
      .run();
  const auto agent_id = db.last_insert_rowid();
  // A new agent numbers its batches from 1 again (a fresh spool): the previous agent's mark
  // would take them for replays.
  db.cached("DELETE FROM batch_marks WHERE host_id = ?").with(host_id).run();
  audit(db, now, action, agent_id, host_id, actor,
        "hostname=" + hostname + (note.empty() ? "" : ", " + note));
  return agent_id;
}

std::vector<AgentListing> list_agents(Database& db) {
  // The newest summary's end, kept beside the newest block (primary key (host, start)).
  Statement& s = db.cached(
      "SELECT a.id, a.host_id, a.created_at, a.created_from, r.revoked_at, r.reason, "
      "coalesce(h.hostname, ''), coalesce(h.state, ''), h.last_seen, "
      "coalesce(" +
      db.dialect().json_text("i.data", "agent_version") +
      ", ''), "
      "(SELECT b.last_end FROM summary_blocks b WHERE b.host_id = a.host_id "
      "ORDER BY b.start DESC LIMIT 1) "
      "FROM agents a LEFT JOIN revocations r ON r.agent_id = a.id "
      "LEFT JOIN hosts h ON h.id = a.host_id "
      "LEFT JOIN inventory_current i ON i.host_id = a.host_id AND i.section = 'identity' "
      "ORDER BY a.id");
  const auto optional = [&s](int column) {
    return s.is_null(column) ? std::nullopt : std::optional(s.integer(column));
  };
  std::vector<AgentListing> out;
  while (s.step()) {
    out.push_back({s.integer(0), s.text(1), s.integer(2), s.text(3), optional(4), s.text(5),
                   s.text(6), s.text(7), optional(8), s.text(9), optional(10)});
  }
  return out;
}

std::optional<AgentRecord> find_agent_by_credential(Database& db,
                                                    const std::string& credential_sha256) {
  Statement& s = db.cached(
                       "SELECT a.id, a.host_id, r.agent_id IS NOT NULL FROM agents a "
                       "LEFT JOIN revocations r ON r.agent_id = a.id WHERE a.credential_sha256 = ?")
                     .with(credential_sha256);
  std::optional<AgentRecord> out;
  if (s.step()) out = AgentRecord{s.integer(0), s.text(1), s.integer(2) != 0};
  s.reset();
  return out;
}

bool revoke_agent(Database& db, std::int64_t agent_id, const std::string& reason,
                  const std::string& actor, std::int64_t now) {
  Statement& find = db.cached("SELECT host_id FROM agents WHERE id = ?").with(agent_id);
  if (!find.step()) return false;
  const std::string host_id = find.text(0);
  find.reset();
  db.cached(
        "INSERT INTO revocations(agent_id, revoked_at, reason) VALUES (?, ?, ?) "
        "ON CONFLICT DO NOTHING")
      .with(agent_id, now, reason)
      .run();
  if (db.changes() > 0) audit(db, now, "revoke", agent_id, host_id, actor, reason);
  return true;
}

}  // namespace sahab::collector
