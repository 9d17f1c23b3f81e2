#pragma once
// The web UI's sessions (collector/auth/sessions.h), kept in the store so that every collector
// on a shared PostgreSQL knows a user signed in through another, and a restart signs nobody out.
// Only the SHA-256 of a session's token is stored, never the token.
#include <cstdint>
#include <optional>
#include <string>

#include "collector/store/database.h"

namespace sahab::collector {

struct StoredSession {
  std::string user;
  std::string role;
  std::string csrf_token;
  std::int64_t expires = 0;  // unix seconds
};

// Drops expired sessions and, when `cap` are left, the ones closest to expiring, then saves.
void save_ui_session(Database& db, const std::string& token_sha256, const StoredSession& session,
                     std::int64_t now, std::int64_t cap);
// nullopt when unknown or expired at `now`.
std::optional<StoredSession> find_ui_session(Database& db, const std::string& token_sha256,
                                             std::int64_t now);
void delete_ui_session(Database& db, const std::string& token_sha256);

}  // namespace sahab::collector
