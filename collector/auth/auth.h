#pragma once
// Sign-in for the web UI: POST /api/v1/login, POST /api/v1/logout, GET /api/v1/session, and the
// check the API applies to requests that carry a session cookie instead of the bearer token.
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "collector/api/context.h"
#include "collector/auth/login_throttle.h"
#include "collector/auth/sessions.h"
#include "common/http_server.h"

namespace sahab::collector::auth {

struct AuthOptions {
  std::vector<User> users;
  std::int64_t session_ttl_seconds = 8 * 3600;
  bool secure_cookie = false;  // add "Secure" (when users reach the collector through TLS)
  ThrottleOptions throttle;
  // Peers whose X-Real-IP names the client the throttle counts (http.trusted_proxies).
  std::vector<std::string> trusted_proxies;
  // Called for each refused sign-in with "bad_credentials" or "throttled" (the metrics counter).
  std::function<void(const std::string& reason)> count_refusal = [](const std::string&) {};
};

class Auth {
 public:
  Auth(AuthOptions options, Store& store, std::function<std::int64_t()> now);

  // nullopt when the request's session may do a call that needs `need`; else 401 (no valid
  // session) or 403 (a write without the session's CSRF token, or a role below `need`).
  std::optional<http::Response> authorise(const http::Request& request, MinRole need);
  // The user of the request's valid session.
  std::optional<std::string> user_of(const http::Request& request);
  void register_routes(http::Server& server);

 private:
  http::Response login(const http::Request& request);
  std::optional<http::Response> refuse_if_throttled(const std::string& user,
                                                    const std::string& address);
  http::Response logout(const http::Request& request);
  http::Response session(const http::Request& request);
  std::optional<Session> session_of(const http::Request& request);
  std::string cookie_header(const std::string& value, std::int64_t max_age) const;

  AuthOptions options_;
  Sessions sessions_;
  // One password check at a time: each takes 32 MiB and ~0.1 s, so parallel sign-in attempts
  // cannot exhaust memory, and guessing is capped at about ten tries a second.
  std::mutex kdf_mutex_;
  LoginThrottle throttle_;
};

// `sahab-collector hash-password`: reads a password on stdin's first line, prints its hash.
int hash_password_command(std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace sahab::collector::auth
