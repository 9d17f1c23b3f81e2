#include "collector/store/login_failures.h"

namespace sahab::collector {

int count_login_failure(Database& db, const std::string& key, std::int64_t now,
                        std::int64_t window_seconds) {
  const std::string since_last = "?2 - " + std::string(db.dialect().greatest()) +
                                 "(login_failures.last_failure, login_failures.locked_until)";
  Statement& s = db.cached(
                       "INSERT INTO login_failures(counter_key, failures, last_failure, "
                       "locked_until) VALUES (?1, 1, ?2, 0) ON CONFLICT(counter_key) DO UPDATE "
                       "SET failures = CASE WHEN " +
                       since_last +
                       " >= ?3 THEN 1 ELSE login_failures.failures + 1 END, last_failure = ?2 "
                       "RETURNING failures")
                     .with(key, now, window_seconds);
  const int failures = s.step() ? static_cast<int>(s.integer(0)) : 0;
  s.reset();
  return failures;
}

void lock_login(Database& db, const std::string& key, std::int64_t until) {
  db.cached("UPDATE login_failures SET locked_until = ? WHERE counter_key = ?")
      .with(until, key)
      .run();
}

std::int64_t login_locked_until(Database& db, const std::string& key) {
  Statement& s =
      db.cached("SELECT locked_until FROM login_failures WHERE counter_key = ?").with(key);
  const std::int64_t until = s.step() ? s.integer(0) : 0;
  s.reset();
  return until;
}

void forget_login_failures(Database& db, const std::string& key) {
  db.cached("DELETE FROM login_failures WHERE counter_key = ?").with(key).run();
}

void prune_login_failures(Database& db, std::int64_t now, std::int64_t window_seconds,
                          std::int64_t cap) {
  db.cached("DELETE FROM login_failures WHERE last_failure <= ?1 AND locked_until <= ?1")
      .with(now - window_seconds)
      .run();
  db.cached(
        "DELETE FROM login_failures WHERE last_failure < (SELECT last_failure FROM "
        "login_failures ORDER BY last_failure DESC LIMIT 1 OFFSET ?)")
      .with(cap - 1)
      .run();
}

std::int64_t login_failure_counters(Database& db) {
  return db.scalar("SELECT count(*) FROM login_failures");
}

}  // namespace sahab::collector
