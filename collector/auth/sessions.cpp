#include "collector/auth/sessions.h"

#include <stdexcept>

#include "collector/ingest/credentials.h"
#include "collector/store/ui_sessions.h"
#include "common/crypto.h"
#include "common/text.h"

namespace sahab::collector::auth {

std::optional<Role> parse_role(std::string_view name) {
  if (name == "viewer") return Role::kViewer;
  if (name == "planner") return Role::kPlanner;
  if (name == "admin") return Role::kAdmin;
  return std::nullopt;
}

std::string role_name(Role role) {
  switch (role) {
    case Role::kViewer:
      return "viewer";
    case Role::kPlanner:
      return "planner";
    case Role::kAdmin:
      return "admin";
  }
  return "viewer";
}

std::vector<User> parse_users(const std::vector<std::string>& entries) {
  std::vector<User> users;
  for (const auto& entry : entries) {
    const auto first = entry.find(':');
    const auto second = first == std::string::npos ? first : entry.find(':', first + 1);
    const std::string name = entry.substr(0, first);
    if (second == std::string::npos || name.empty() || name.size() > 64) {
      throw std::invalid_argument("expected NAME:ROLE:HASH (see sahab-collector hash-password)");
    }
    const auto role = parse_role(std::string_view(entry).substr(first + 1, second - first - 1));
    if (!role)
      throw std::invalid_argument("user '" + name + "': role must be viewer, planner or admin");
    const std::string hash = entry.substr(second + 1);
    if (!hash.starts_with("scrypt$")) {
      throw std::invalid_argument("user '" + name + "': expected a hash from hash-password");
    }
    users.push_back({name, *role, hash});
  }
  return users;
}

Sessions::Sessions(Store& store, std::int64_t ttl_seconds, std::function<std::int64_t()> now)
    : store_(store), ttl_(ttl_seconds), now_(std::move(now)) {}

std::string Sessions::open(const std::string& user, Role role) {
  const std::string token = new_credential();
  const std::int64_t now = now_();
  const StoredSession session{user, role_name(role), new_credential(), now + ttl_};
  store_.write([&](Database& db) {
    save_ui_session(db, crypto::sha256_hex(token), session, now, kMaxSessions);
  });
  return token;
}

// A stored role this build does not know (a newer collector's) opens nothing.
std::optional<Session> Sessions::find(const std::string& token) {
  const auto stored = store_.read(
      [&](Database& db) { return find_ui_session(db, crypto::sha256_hex(token), now_()); });
  const auto role = stored ? parse_role(stored->role) : std::nullopt;
  if (!role) return std::nullopt;
  return Session{stored->user, *role, stored->csrf_token, stored->expires};
}

void Sessions::close(const std::string& token) {
  store_.write([&](Database& db) { delete_ui_session(db, crypto::sha256_hex(token)); });
}

std::optional<std::string> cookie(const http::Request& request, std::string_view name) {
  const auto header = request.header("cookie");
  if (!header) return std::nullopt;
  for (const auto part : text::split(*header, ';')) {
    const auto pair = text::trim(part);
    const auto eq = pair.find('=');
    if (eq != std::string_view::npos && pair.substr(0, eq) == name) {
      return std::string(pair.substr(eq + 1));
    }
  }
  return std::nullopt;
}

}  // namespace sahab::collector::auth
