#include "collector/api/context.h"

#include <civetweb.h>

#include <algorithm>

#include "collector/ingest/credentials.h"
#include "collector/ingest/decompress.h"
#include "common/duration.h"
#include "common/log.h"
#include "common/text.h"
#include "common/timestamp.h"

namespace sahab::collector {

http::Response error_response(int status, std::string_view code, const nlohmann::json& params,
                              const std::string& message) {
  const nlohmann::json body{{"error", message}, {"code", code}, {"params", params}};
  // Messages and parameters may quote what the client sent, which need not be UTF-8.
  return http::Response::json(
      status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

http::Response error_response(int status, const std::string& message) {
  return error_response(status, status_code(status), nlohmann::json::object(), message);
}

std::string_view status_code(int status) {
  switch (status) {
    case 400:
      return "bad_request";
    case 401:
      return "unauthorised";
    case 403:
      return "forbidden";
    case 404:
      return "not_found";
    case 409:
      return "conflict";
    case 413:
      return "too_large";
    case 415:
      return "unsupported_media_type";
    case 429:
      return "too_many_requests";
    case 503:
      return "unavailable";
    default:
      return "error";
  }
}

http::Response parameter_error(const settings::ConfigError& error) {
  using Kind = settings::Refusal::Kind;
  const settings::Refusal& r = error.refusal();
  switch (r.kind) {
    case Kind::kUnknownKey:
      return error_response(400, "parameter_unknown", {{"key", r.key}}, error.what());
    case Kind::kRange:
      return error_response(400, "parameter_range",
                            {{"key", r.key}, {"min", r.min}, {"max", r.max}}, error.what());
    case Kind::kChoice:
      return error_response(400, "parameter_choice", {{"key", r.key}, {"choices", r.choices}},
                            error.what());
    case Kind::kInvalid:
      break;
  }
  return error_response(400, "parameter_invalid", {{"key", r.key}}, error.what());
}

http::Response stored_fleet_error(const std::exception& error) {
  log::error(std::string("the stored fleet is not valid: ") + error.what());
  return error_response(500, "fleet_invalid", nlohmann::json::object(),
                        std::string("the stored fleet is not valid: ") + error.what());
}

http::Response json_response(int status, const nlohmann::json& body) {
  return http::Response::json(
      status, body.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
}

std::optional<std::string> bearer_token(const http::Request& request) {
  const auto header = request.header("authorization");
  // The scheme is case-insensitive (RFC 9110 §11.1): "bearer x" is as good as "Bearer x".
  constexpr std::string_view kScheme = "Bearer ";
  if (!header || header->size() < kScheme.size() ||
      !text::equals_ignoring_case(std::string_view(*header).substr(0, kScheme.size()), kScheme))
    return std::nullopt;
  return std::string(text::trim(std::string_view(*header).substr(kScheme.size())));
}

std::optional<http::Response> require_role(const Context& context, const http::Request& request,
                                           MinRole role) {
  const auto token = bearer_token(request);
  if (!token && request.header("cookie") && context.session_authorise) {
    return context.session_authorise(request, role);
  }
  if (context.api_token.empty() || !token || !constant_time_equal(*token, context.api_token)) {
    http::Response r = error_response(401, "admin bearer token required");
    r.headers.emplace_back("WWW-Authenticate", "Bearer");
    return r;
  }
  return std::nullopt;
}

std::string actor_name(const Context& context, const http::Request& request) {
  if (!bearer_token(request) && context.session_user) {
    if (auto user = context.session_user(request)) return *user;
  }
  return "api-token";
}

bool from_trusted_proxy(const std::vector<std::string>& trusted_proxies,
                        const http::Request& request) {
  return std::find(trusted_proxies.begin(), trusted_proxies.end(), request.remote_address) !=
         trusted_proxies.end();
}

std::string client_address(const std::vector<std::string>& trusted_proxies,
                           const http::Request& request) {
  if (!from_trusted_proxy(trusted_proxies, request)) return request.remote_address;
  const auto real = request.header("x-real-ip");
  return real && !real->empty() && real->size() <= 64 ? *real : request.remote_address;
}

std::string_view decoded_content(const http::Request& request, std::size_t cap,
                                 std::string& inflated) {
  const auto encoding = request.header("content-encoding").value_or("identity");
  if (text::equals_ignoring_case(encoding, "gzip") ||
      text::equals_ignoring_case(encoding, "x-gzip")) {
    inflated = gunzip(request.content(), cap);
    return inflated;
  }
  if (!text::equals_ignoring_case(encoding, "identity"))
    throw std::domain_error("unsupported Content-Encoding '" + encoding.substr(0, 64) + "'");
  const std::string_view body = request.content();
  if (body.size() > cap) {
    throw TooLarge("body exceeds " + std::to_string(cap) + " bytes");
  }
  return body;
}

std::string decoded_body(const Context& ctx, const http::Request& request,
                         std::optional<std::size_t> max_bytes) {
  std::string inflated;
  const std::string_view body =
      decoded_content(request, max_bytes.value_or(ctx.config.max_decompressed_bytes), inflated);
  return inflated.empty() ? std::string(body) : std::move(inflated);
}

std::string client_address(const Context& context, const http::Request& request) {
  return client_address(context.config.trusted_proxies, request);
}

std::vector<std::string> query_params(const http::Request& request, const std::string& name) {
  std::vector<std::string> out;
  auto decode = [](std::string_view s) {
    std::string buffer(s.size() + 1, '\0');
    const int n = mg_url_decode(s.data(), static_cast<int>(s.size()), buffer.data(),
                                static_cast<int>(buffer.size()), 1);
    buffer.resize(n < 0 ? 0 : static_cast<size_t>(n));
    return buffer;
  };
  for (std::string_view pair : text::split(request.query, '&')) {
    const auto eq = pair.find('=');
    if (decode(pair.substr(0, eq)) != name) continue;
    out.push_back(eq == std::string_view::npos ? "" : decode(pair.substr(eq + 1)));
  }
  return out;
}

std::optional<std::int64_t> time_param(const http::Request& request, const std::string& name) {
  const auto value = request.query_param(name);
  if (!value) return std::nullopt;
  if (const auto seconds = text::to_i64(*value)) return *seconds;
  if (const auto t = parse_rfc3339(*value)) return *t;
  throw std::invalid_argument(name + ": expected RFC 3339 or unix seconds, got '" +
                              value->substr(0, 64) + "'");
}

std::optional<std::int64_t> duration_param(const http::Request& request, const std::string& name) {
  const auto value = request.query_param(name);
  if (!value) return std::nullopt;
  const auto d = parse_duration(*value);
  if (!d || d->count() < 1000) {
    throw std::invalid_argument(name + ": expected a duration of at least 1s such as 1h or 30d");
  }
  return std::chrono::duration_cast<std::chrono::seconds>(*d).count();
}

}  // namespace sahab::collector
