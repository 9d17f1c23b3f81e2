#pragma once
// The web UI's users (from the collector config) and their sessions (in memory: a restart signs
// everyone out, which is acceptable for a handful of architects).
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

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
  Sessions(std::int64_t ttl_seconds, std::function<std::int64_t()> now);
  // A new session; returns its token (the cookie's value).
  std::string open(const std::string& user, Role role);
  std::optional<Session> find(const std::string& token);
  void close(const std::string& token);

 private:
  static constexpr std::size_t kMaxSessions = 10'000;
  void drop_expired();

  std::int64_t ttl_;
  std::function<std::int64_t()> now_;
  std::mutex mutex_;
  std::map<std::string, Session> sessions_;
};

// The value of cookie `name` in a request; nullopt when absent.
std::optional<std::string> cookie(const http::Request& request, std::string_view name);

}  // namespace sahab::collector::auth
