#include "collector/store/enrolment_tokens.h"

#include "collector/store/agents.h"

namespace sahab::collector {

std::int64_t create_enrolment_token(Database& db, const std::string& name,
                                    const std::string& token_sha256, const std::string& created_by,
                                    std::int64_t now, std::optional<std::int64_t> expires_at) {
  db.cached(
        "INSERT INTO enrolment_tokens(name, token_sha256, created_by, created_at, expires_at) "
        "VALUES (?, ?, ?, ?, ?)")
      .with(name, token_sha256, created_by, now, expires_at)
      .run();
  const auto id = db.last_insert_rowid();
  audit(db, now, "enrolment_token_create", std::nullopt, "", created_by,
        "id=" + std::to_string(id) + " name=" + name);
  return id;
}

std::vector<EnrolmentToken> list_enrolment_tokens(Database& db) {
  Statement& s = db.cached(
      "SELECT id, name, created_by, created_at, expires_at, revoked_at, last_used_at, uses "
      "FROM enrolment_tokens ORDER BY id");
  const auto optional_integer = [&](int column) {
    return s.is_null(column) ? std::nullopt : std::optional(s.integer(column));
  };
  std::vector<EnrolmentToken> out;
  while (s.step()) {
    out.push_back({s.integer(0), s.text(1), s.text(2), s.integer(3), optional_integer(4),
                   optional_integer(5), optional_integer(6), s.integer(7)});
  }
  return out;
}

bool revoke_enrolment_token(Database& db, std::int64_t id, const std::string& actor,
                            std::int64_t now) {
  Statement& find = db.cached("SELECT 1 FROM enrolment_tokens WHERE id = ?").with(id);
  const bool found = find.step();
  find.reset();
  if (!found) return false;
  db.cached("UPDATE enrolment_tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL")
      .with(now, id)
      .run();
  if (db.changes() > 0) {
    audit(db, now, "enrolment_token_revoke", std::nullopt, "", actor, "id=" + std::to_string(id));
  }
  return true;
}

std::optional<EnrolmentToken> use_enrolment_token(Database& db, const std::string& token_sha256,
                                                  std::int64_t now) {
  db.cached(
        "UPDATE enrolment_tokens SET uses = uses + 1, last_used_at = ?1 "
        "WHERE token_sha256 = ?2 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > "
        "?1)")
      .with(now, token_sha256)
      .run();
  if (db.changes() == 0) return std::nullopt;
  Statement& s =
      db.cached("SELECT id, name FROM enrolment_tokens WHERE token_sha256 = ?").with(token_sha256);
  std::optional<EnrolmentToken> out;
  if (s.step()) {
    out.emplace();
    out->id = s.integer(0);
    out->name = s.text(1);
  }
  s.reset();
  return out;
}

bool any_enrolment_token(Database& db) {
  return db.scalar("SELECT EXISTS (SELECT 1 FROM enrolment_tokens)") != 0;
}

}  // namespace sahab::collector
