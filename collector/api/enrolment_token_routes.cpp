// GET/POST /api/v1/enrolment-tokens, DELETE /api/v1/enrolment-tokens/{id} (admins only, reads
// too: the admin bearer token, or a session with the admin role; writes need the CSRF token too).
#include "collector/api/context.h"
#include "collector/api/router.h"
#include "collector/ingest/credentials.h"
#include "collector/store/enrolment_tokens.h"
#include "common/bounded_json.h"
#include "common/duration.h"
#include "common/log.h"
#include "common/text.h"
#include "common/timestamp.h"

namespace sahab::collector {
namespace {
using nlohmann::json;

constexpr std::size_t kMaxNameBytes = 100;
constexpr std::int64_t kMaxLifetimeSeconds = 366 * 86'400;

json optional_time(const std::optional<std::int64_t>& t) {
  return t ? json(format_rfc3339(*t)) : json();
}

// The token as listed: never its secret (which is not stored anyway).
json token_json(const EnrolmentToken& token, std::int64_t now) {
  const bool expired = token.expires_at && *token.expires_at <= now;
  return {{"id", token.id},
          {"name", token.name},
          {"created_by", token.created_by},
          {"created_at", format_rfc3339(token.created_at)},
          {"expires_at", optional_time(token.expires_at)},
          {"revoked_at", optional_time(token.revoked_at)},
          {"last_used_at", optional_time(token.last_used_at)},
          {"uses", token.uses},
          {"state", token.revoked_at ? "revoked"
                    : expired        ? "expired"
                                     : "live"}};
}

http::Response list(Context& ctx, const http::Request&) {
  const auto now = ctx.now();
  json tokens = json::array();
  for (const auto& token : ctx.store.read([](Database& db) { return list_enrolment_tokens(db); }))
    tokens.push_back(token_json(token, now));
  return json_response(200, {{"tokens", tokens}});
}

// {"name": "...", "expires_in": "7d"} (expires_in optional: null or absent never expires).
http::Response create(Context& ctx, const http::Request& request) {
  const std::string actor = actor_name(ctx, request);
  const json body = bounded_json::parse(request.body, bounded_json::kSmallDocument);
  if (!body.is_object() || !body.value("name", json()).is_string()) {
    return error_response(400, "body: expected {\"name\": \"...\", \"expires_in\": \"7d\"}");
  }
  const std::string name(text::trim(body["name"].get<std::string>()));
  if (name.empty() || name.size() > kMaxNameBytes) {
    return error_response(400, "token_name", {{"max_bytes", 100}}, "name: expected 1 to 100 bytes");
  }
  std::optional<std::int64_t> lifetime;
  const json expires_in = body.value("expires_in", json());
  if (!expires_in.is_null()) {
    const auto d =
        expires_in.is_string() ? parse_duration(expires_in.get<std::string>()) : std::nullopt;
    lifetime = d ? std::optional(std::chrono::duration_cast<std::chrono::seconds>(*d).count())
                 : std::nullopt;
    if (!lifetime || *lifetime < 60 || *lifetime > kMaxLifetimeSeconds) {
      return error_response(400, "token_expiry", nlohmann::json::object(),
                            "expires_in: expected a duration from 1m to 366d such as 7d");
    }
  }
  const std::string token = new_credential();
  const auto now = ctx.now();
  const std::optional<std::int64_t> expires_at =
      lifetime ? std::optional(now + *lifetime) : std::nullopt;
  std::int64_t id = 0;
  ctx.store.write([&](Database& db) {
    id = create_enrolment_token(db, name, sha256_hex(token), actor, now, expires_at);
  });
  log::info("enrolment token " + std::to_string(id) + " created by " + actor);
  http::Response r = json_response(201, {{"id", id},
                                         {"name", name},
                                         {"token", token},
                                         {"created_by", actor},
                                         {"created_at", format_rfc3339(now)},
                                         {"expires_at", optional_time(expires_at)}});
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

http::Response revoke(Context& ctx, const http::Request& request) {
  const std::string actor = actor_name(ctx, request);
  const auto id = text::to_i64(request.param("id"));
  if (!id) return error_response(404, "expected /api/v1/enrolment-tokens/{numeric id}");
  bool found = false;
  ctx.store.write([&](Database& db) { found = revoke_enrolment_token(db, *id, actor, ctx.now()); });
  if (!found) {
    return error_response(404, "token_not_found", {{"id", *id}},
                          "no enrolment token " + std::to_string(*id));
  }
  log::info("enrolment token " + std::to_string(*id) + " revoked by " + actor);
  return json_response(200, {{"revoked", *id}});
}

}  // namespace

void register_enrolment_token_routes(http::Server& server, Context& ctx) {
  // Admins only, reads included: the list shows who made each token and when it was used.
  add_api_routes(
      server, ctx,
      {{"GET", "/api/v1/enrolment-tokens", MinRole::kAdmin, list},
       {"POST", "/api/v1/enrolment-tokens", MinRole::kAdmin, create, bounded_json::kSmallBodyBytes},
       {"DELETE", "/api/v1/enrolment-tokens/{id}", MinRole::kAdmin, revoke}});
}

}  // namespace sahab::collector
