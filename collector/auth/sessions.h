#pragma once
// The web UI's users (from the collector config) and their sessions, kept in the store
// (collector/store/ui_sessions.h): a restart signs nobody out, and every collector on a shared
// PostgreSQL knows a session opened through another.
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "collector/store/store.h"
#include "common/http_server.h"

namespace sahab::collector::auth {

enum class Role { kViewer, kPlanner, kAdmin };
std::optional<Role> parse_role(std::string_view name);
std::string role_name(Role role);

struct User {
  std::string name;
  Role role;
  std::string password_hash;
};

// Parses "NAME:ROLE:HASH" entries; throws std::invalid_argument naming the bad entry.
std::vector<User> parse_users(const std::vector<std::string>& entries);

struct Session {
  std::string user;
  Role role;
  std::string csrf_token;  // echoed by the page in X-CSRF-Token on every write
  std::int64_t expires;    // unix seconds
};

class Sessions {
 public:
  Sessions(Store& store, std::int64_t ttl_seconds, std::function<std::int64_t()> now);
  // A new session; returns its token (the cookie's value).
  std::string open(const std::string& user, Role role);
  std::optional<Session> find(const std::string& token);
  void close(const std::string& token);

 private:
  static constexpr std::int64_t kMaxSessions = 10'000;

  Store& store_;
  std::int64_t ttl_;
  std::function<std::int64_t()> now_;
};

// The value of cookie `name` in a request; nullopt when absent.
std::optional<std::string> cookie(const http::Request& request, std::string_view name);

}  // namespace sahab::collector::auth
