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

// {"error": message} with the status.
http::Response error_response(int status, const std::string& message);
http::Response json_response(int status, const nlohmann::json& body);

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
// GET /install.sh, /downloads/, /api/v1/install-info; POST /api/v1/enrol/check.
void register_download_routes(http::Server& server, Context& context);
void register_enrolment_token_routes(http::Server& server, Context& context);
// POST /api/v1/enrol; GET /api/v1/enrolments/pending; POST /api/v1/enrolments/{id}/approve|reject.
void register_enrolment_routes(http::Server& server, Context& context);

}  // namespace sahab::collector
