#include "collector/auth/auth.h"

#include <istream>
#include <nlohmann/json.hpp>
#include <ostream>

#include "collector/api/context.h"
#include "collector/auth/password.h"
#include "collector/ingest/credentials.h"
#include "common/log.h"

namespace sahab::collector::auth {
namespace {
using nlohmann::json;

constexpr const char* kCookie = "sahab_session";
constexpr std::size_t kMaxPasswordBytes = 1024;

bool is_read(const http::Request& request) {
  return request.method == "GET" || request.method == "HEAD";
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

json session_json(const Session& s) {
  return {{"user", s.user}, {"role", role_name(s.role)}, {"csrf_token", s.csrf_token}};
}

}  // namespace

Auth::Auth(AuthOptions options, std::function<std::int64_t()> now)
    : options_(std::move(options)), sessions_(options_.session_ttl_seconds, std::move(now)) {}

std::optional<Session> Auth::session_of(const http::Request& request) {
  const auto token = cookie(request, kCookie);
  return token ? sessions_.find(*token) : std::nullopt;
}

std::optional<http::Response> Auth::authorise(const http::Request& request, MinRole need) {
  const auto s = session_of(request);
  if (!s) return error_response(401, "sign in or send the admin bearer token");
  if (!is_read(request) && !csrf_matches(request, *s)) {
    return error_response(403, "missing or wrong X-CSRF-Token");
  }
  if (!role_allows(s->role, need)) {
    return error_response(403, "the " + role_name(s->role) + " role cannot do this");
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

http::Response Auth::login(const http::Request& request) {
  // JSON only: a cross-site HTML form cannot send it without a CORS preflight.
  if (!request.header("content-type").value_or("").starts_with("application/json")) {
    return error_response(415, "expected application/json");
  }
  const json body = json::parse(request.body, nullptr, false);
  if (!body.is_object() || !body.value("user", json()).is_string() ||
      !body.value("password", json()).is_string() ||
      body["password"].get<std::string>().size() > kMaxPasswordBytes) {
    return error_response(400, "expected {\"user\": ..., \"password\": ...}");
  }
  const auto name = body["user"].get<std::string>();
  const auto password = body["password"].get<std::string>();
  const User* user = nullptr;
  for (const auto& u : options_.users) {
    if (u.name == name) user = &u;
  }
  // An unknown user costs one KDF too, so timing does not tell which names exist.
  static const std::string kDecoy = hash_password("decoy");
  bool ok = false;
  {
    std::lock_guard lock(kdf_mutex_);
    ok = verify_password(password, user ? user->password_hash : kDecoy) && user;
  }
  if (!ok) {
    log::warn("web UI sign-in refused for a user from " + request.remote_address);
    return error_response(401, "wrong user or password");
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
  if (!s) return error_response(401, "not signed in");
  if (!csrf_matches(request, *s)) return error_response(403, "missing or wrong X-CSRF-Token");
  sessions_.close(*token);
  http::Response r = json_response(200, {{"signed_out", true}});
  r.headers.emplace_back("Set-Cookie", cookie_header("", 0));
  return r;
}

http::Response Auth::session(const http::Request& request) {
  const auto s = session_of(request);
  if (!s) return error_response(401, "not signed in");
  http::Response r = json_response(200, session_json(*s));
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

void Auth::register_routes(http::Server& server) {
  server.route("POST", "/api/v1/login", [this](const http::Request& r) { return login(r); });
  server.route("POST", "/api/v1/logout", [this](const http::Request& r) { return logout(r); });
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
