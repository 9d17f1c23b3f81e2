#include "collector/auth/auth.h"

#include <istream>
#include <nlohmann/json.hpp>
#include <ostream>

#include "collector/api/context.h"
#include "collector/auth/login_body.h"
#include "collector/auth/password.h"
#include "collector/ingest/credentials.h"
#include "common/log.h"

namespace sahab::collector::auth {
namespace {
using nlohmann::json;

constexpr const char* kCookie = "sahab_session";

bool is_read(const http::Request& request) {
  return request.method == "GET" || request.method == "HEAD";
}

http::Response csrf_refused() {
  return error_response(403, "csrf_refused", nlohmann::json::object(),
                        "missing or wrong X-CSRF-Token");
}

bool csrf_matches(const http::Request& request, const Session& s) {
  const auto csrf = request.header("x-csrf-token");
  return csrf && constant_time_equal(*csrf, s.csrf_token);
}

bool role_allows(Role role, MinRole need) {
  switch (need) {
    case MinRole::kViewer:
      return true;
    case MinRole::kPlanner:
      return role == Role::kPlanner || role == Role::kAdmin;
    case MinRole::kAdmin:
      return role == Role::kAdmin;
  }
  return false;
}

// A client-supplied value (user name, X-Real-IP) fit for one log line: at most 64 bytes, control
// characters as '?'.
std::string loggable(std::string_view name) {
  std::string out(name.substr(0, 64));
  for (char& ch : out) {
    if (static_cast<unsigned char>(ch) < 0x20 || ch == 0x7f) ch = '?';
  }
  return name.size() > 64 ? out + "..." : out;
}

json session_json(const Session& s) {
  return {{"user", s.user}, {"role", role_name(s.role)}, {"csrf_token", s.csrf_token}};
}

}  // namespace

Auth::Auth(AuthOptions options, Store& store, std::function<std::int64_t()> now)
    : options_(std::move(options)),
      sessions_(store, options_.session_ttl_seconds, now),
      throttle_(store, options_.throttle, std::move(now)) {}

std::optional<Session> Auth::session_of(const http::Request& request) {
  const auto token = cookie(request, kCookie);
  return token ? sessions_.find(*token) : std::nullopt;
}

std::optional<http::Response> Auth::authorise(const http::Request& request, MinRole need) {
  const auto s = session_of(request);
  if (!s) {
    return error_response(401, "not_signed_in", nlohmann::json::object(),
                          "sign in or send the admin bearer token");
  }
  if (!is_read(request) && !csrf_matches(request, *s)) {
    return csrf_refused();
  }
  if (!role_allows(s->role, need)) {
    return error_response(403, "role_refused", {{"role", role_name(s->role)}},
                          "the " + role_name(s->role) + " role cannot do this");
  }
  return std::nullopt;
}

std::optional<std::string> Auth::user_of(const http::Request& request) {
  const auto s = session_of(request);
  return s ? std::optional<std::string>(s->user) : std::nullopt;
}

std::string Auth::cookie_header(const std::string& value, std::int64_t max_age) const {
  return std::string(kCookie) + "=" + value +
         "; Path=/; HttpOnly; SameSite=Strict; Max-Age=" + std::to_string(max_age) +
         (options_.secure_cookie ? "; Secure" : "");
}

// 429 with Retry-After while `user` or `address` is throttled. The same answer whether or not
// the user exists.
std::optional<http::Response> Auth::refuse_if_throttled(const std::string& user,
                                                        const std::string& address) {
  const std::int64_t wait = throttle_.retry_after(user, address);
  if (wait == 0) return std::nullopt;
  log::warn("web UI sign-in throttled for user '" + loggable(user) + "' from " + loggable(address) +
            " (retry in " + std::to_string(wait) + " s)");
  options_.count_refusal("throttled");
  http::Response r = error_response(429, "sign_in_throttled", nlohmann::json::object(),
                                    "too many failed sign-ins: try again later");
  r.headers.emplace_back("Retry-After", std::to_string(wait));
  return r;
}

http::Response Auth::login(const http::Request& request) {
  // JSON only: a cross-site HTML form cannot send it without a CORS preflight.
  if (!request.header("content-type").value_or("").starts_with("application/json")) {
    return error_response(415, "expected application/json");
  }
  // Throws bounded_json::Error for text that is not JSON or is over the limits: a 400 as well.
  const auto body = parse_login_body(request.body);
  if (!body) return error_response(400, "expected {\"user\": ..., \"password\": ...}");
  const std::string& name = body->user;
  const std::string& password = body->password;
  const std::string address = client_address(options_.trusted_proxies, request);
  // Refused before queueing for the KDF, so throttled guesses cost nothing.
  if (auto refused = refuse_if_throttled(name, address)) return *refused;
  const User* user = nullptr;
  for (const auto& u : options_.users) {
    if (u.name == name) user = &u;
  }
  // An unknown user costs one KDF too, so timing does not tell which names exist.
  static const std::string kDecoy = hash_password("decoy");
  bool ok = false;
  {
    std::lock_guard lock(kdf_mutex_);
    // Again under the lock: parallel attempts queued above must not exceed the allowance.
    if (auto refused = refuse_if_throttled(name, address)) return *refused;
    ok = verify_password(password, user ? user->password_hash : kDecoy) && user;
    if (ok) {
      throttle_.record_success(name);
    } else {
      throttle_.record_failure(name, address);
    }
  }
  if (!ok) {
    // The name as typed (never the password): operators see what is being guessed.
    log::warn("web UI sign-in refused for user '" + loggable(name) + "' from " + loggable(address));
    options_.count_refusal("bad_credentials");
    return error_response(401, "wrong_credentials", nlohmann::json::object(),
                          "wrong user or password");
  }
  const std::string token = sessions_.open(user->name, user->role);
  const auto s = sessions_.find(token);
  http::Response r = json_response(200, session_json(*s));
  r.headers.emplace_back("Set-Cookie", cookie_header(token, options_.session_ttl_seconds));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

http::Response Auth::logout(const http::Request& request) {
  const auto token = cookie(request, kCookie);
  const auto s = token ? sessions_.find(*token) : std::nullopt;
  if (!s) return error_response(401, "not_signed_in", nlohmann::json::object(), "not signed in");
  if (!csrf_matches(request, *s)) return csrf_refused();
  sessions_.close(*token);
  http::Response r = json_response(200, {{"signed_out", true}});
  r.headers.emplace_back("Set-Cookie", cookie_header("", 0));
  return r;
}

http::Response Auth::session(const http::Request& request) {
  const auto s = session_of(request);
  if (!s) return error_response(401, "not_signed_in", nlohmann::json::object(), "not signed in");
  http::Response r = json_response(200, session_json(*s));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

void Auth::register_routes(http::Server& server) {
  // A user name and a password: a few hundred bytes.
  constexpr std::size_t kMaxBody = 4 << 10;
  server.route(
      "POST", "/api/v1/login", [this](const http::Request& r) { return login(r); }, kMaxBody);
  server.route(
      "POST", "/api/v1/logout", [this](const http::Request& r) { return logout(r); }, kMaxBody);
  server.route("GET", "/api/v1/session", [this](const http::Request& r) { return session(r); });
}

int hash_password_command(std::istream& in, std::ostream& out, std::ostream& err) {
  std::string password;
  std::getline(in, password);
  if (password.size() < 8 || password.size() > kMaxPasswordBytes) {
    err << "sahab-collector hash-password: give a password of 8 to 1024 bytes on stdin\n";
    return 2;
  }
  out << hash_password(password) << "\n";
  return 0;
}

}  // namespace sahab::collector::auth
