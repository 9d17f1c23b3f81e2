#include "collector/store/ui_sessions.h"

namespace sahab::collector {

void save_ui_session(Database& db, const std::string& token_sha256, const StoredSession& session,
                     std::int64_t now, std::int64_t cap) {
  db.cached("DELETE FROM ui_sessions WHERE expires <= ?").with(now).run();
  const auto excess = db.scalar("SELECT count(*) FROM ui_sessions") - cap + 1;
  if (excess > 0) {
    db.cached(
          "DELETE FROM ui_sessions WHERE token_sha256 IN (SELECT token_sha256 FROM ui_sessions "
          "ORDER BY expires, token_sha256 LIMIT ?)")
        .with(excess)
        .run();
  }
  db.cached(
        "INSERT INTO ui_sessions(token_sha256, user_name, role, csrf_token, expires) "
        "VALUES (?, ?, ?, ?, ?)")
      .with(token_sha256, session.user, session.role, session.csrf_token, session.expires)
      .run();
}

std::optional<StoredSession> find_ui_session(Database& db, const std::string& token_sha256,
                                             std::int64_t now) {
  Statement& s = db.cached(
                       "SELECT user_name, role, csrf_token, expires FROM ui_sessions "
                       "WHERE token_sha256 = ? AND expires > ?")
                     .with(token_sha256, now);
  std::optional<StoredSession> out;
  if (s.step()) out = StoredSession{s.text(0), s.text(1), s.text(2), s.integer(3)};
  s.reset();
  return out;
}

void delete_ui_session(Database& db, const std::string& token_sha256) {
  db.cached("DELETE FROM ui_sessions WHERE token_sha256 = ?").with(token_sha256).run();
}

}  // namespace sahab::collector
