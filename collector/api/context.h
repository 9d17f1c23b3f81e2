#pragma once
// What every API handler needs: configuration, store, telemetry, tokens, the clock.
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "collector/api/telemetry.h"
#include "collector/config.h"
#include "collector/ingest/rate_limiter.h"
#include "collector/store/store.h"
#include "common/http_server.h"
#include "common/settings.h"

namespace sahab::collector {

// The least web UI role a call needs (docs/api.md lists it per route). The admin bearer token may
// do everything.
enum class MinRole { kViewer, kPlanner, kAdmin };

struct Context {
  const CollectorConfig& config;
  Store& store;
  Telemetry& telemetry;
  RateLimiter& limiter;
  std::string enrolment_token;        // empty: enrolment disabled
  std::string api_token;              // empty: admin API disabled
  std::function<std::int64_t()> now;  // unix seconds
  // Checks a request with a cookie and no bearer token (the web UI's session) against the role the
  // call needs: nullopt to allow, else the answer. Empty: only the bearer token is accepted.
  std::function<std::optional<http::Response>(const http::Request&, MinRole)> session_authorise;
  // The signed-in user of a request's session; nullopt without one (e.g. the bearer token).
  std::function<std::optional<std::string>(const http::Request&)> session_user;
};

// A refusal: {"error": message, "code": code, "params": {...}} with the status. The English
// message is for scripts and logs; the code is stable and the web UI words it with its parameters
// in its language (apiErrors in collector/webui/app/src/i18n). docs/api.md lists the codes.
http::Response error_response(int status, std::string_view code, const nlohmann::json& params,
                              const std::string& message);
// The same with the status's own code (bad_request, not_found, ... see status_code) and no
// parameters: for refusals only scripts meet (malformed paths and bodies).
http::Response error_response(int status, const std::string& message);
// "bad_request", "unauthorised", "forbidden", "not_found", "conflict", "too_large",
// "unsupported_media_type", "too_many_requests", "unavailable", else "error".
std::string_view status_code(int status);
// A what-if or planner.yaml value refused by the settings reader, from its structured refusal:
// parameter_range {key, min, max}, parameter_choice {key, choices}, parameter_unknown {key}, else
// parameter_invalid {key} (key "" when the reader names none).
http::Response parameter_error(const settings::ConfigError& error);
http::Response json_response(int status, const nlohmann::json& body);
// The 500 for a stored fleet the planner's reader refuses (a connection beyond its ranges, two
// hosts with one id), logged, naming the problem.
http::Response stored_fleet_error(const std::exception& error);

// The token of an "Authorization: Bearer TOKEN" header.
std::optional<std::string> bearer_token(const http::Request& request);
// nullopt when the request carries the admin token or a session of at least `role` (with its
// CSRF token on anything but GET/HEAD); else the 401 or 403 to answer.
std::optional<http::Response> require_role(const Context& context, const http::Request& request,
                                           MinRole role);
// Who made a request, for audit and `created_by`: the session's user, else "api-token".
std::string actor_name(const Context& context, const http::Request& request);

// Whether the request's peer is one of `trusted_proxies` (http.trusted_proxies).
bool from_trusted_proxy(const std::vector<std::string>& trusted_proxies,
                        const http::Request& request);
// The client's address: X-Real-IP when the peer is a trusted proxy, else the peer.
std::string client_address(const std::vector<std::string>& trusted_proxies,
                           const http::Request& request);
std::string client_address(const Context& context, const http::Request& request);

// The body as sent, inflated when Content-Encoding is gzip; capped after inflating too
// (`max_bytes`, else http.max_decompressed_bytes). Throws TooLarge (413), BadEncoding (400) or
// std::domain_error for another encoding (415).
std::string decoded_body(const Context& context, const http::Request& request,
                         std::optional<std::size_t> max_bytes = std::nullopt);
// The same without a copy: the body where the server keeps it (in memory or its upload file,
// Request::content()), or, gzipped, inflated into `inflated` (bounded by `max_bytes`).
std::string_view decoded_content(const http::Request& request, std::size_t max_bytes,
                                 std::string& inflated);

// Every decoded value of a repeatable query parameter.
std::vector<std::string> query_params(const http::Request& request, const std::string& name);
// A time as RFC 3339 or unix seconds; nullopt when absent; throws std::invalid_argument if bad.
std::optional<std::int64_t> time_param(const http::Request& request, const std::string& name);
// A duration ("30d", "1h"); throws std::invalid_argument when bad.
std::optional<std::int64_t> duration_param(const http::Request& request, const std::string& name);

void register_ingest_routes(http::Server& server, Context& context);
void register_host_routes(http::Server& server, Context& context);
void register_fleet_routes(http::Server& server, Context& context);
void register_ops_routes(http::Server& server, Context& context);
// POST /api/v1/import; GET /api/v1/imports, /api/v1/imports/{id}; POST .../{id}/rollback.
void register_import_routes(http::Server& server, Context& context);
// GET /install.sh, /downloads/, /api/v1/install-info; POST /api/v1/enrol/check.
void register_download_routes(http::Server& server, Context& context);
void register_enrolment_token_routes(http::Server& server, Context& context);
// POST /api/v1/enrol; GET /api/v1/enrolments/pending; POST /api/v1/enrolments/{id}/approve|reject.
void register_enrolment_routes(http::Server& server, Context& context);

}  // namespace sahab::collector
