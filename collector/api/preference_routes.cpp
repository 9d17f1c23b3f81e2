// GET and PUT /api/v1/me/preferences: the signed-in web UI user's preferences, today their
// language ({"language": "ar"}), so the UI speaks it in any browser they sign in from
// (docs/api.md, docs/webui.md "Languages").
#include "collector/api/preference_routes.h"

#include <nlohmann/json.hpp>

#include "collector/api/request_body.h"
#include "collector/api/router.h"
#include "collector/store/preferences.h"
#include "common/bounded_json.h"
#include "planner/message.h"

namespace sahab::collector {
namespace {
using nlohmann::json;

// The languages of the web UI's menu: those the printable report also takes as ?lang=.
constexpr const char* kLanguageChoices = "fr, ar, en, zgh";

// The session's user, or the 400 for a request without one (the bearer token is no user).
std::variant<std::string, http::Response> user_of(Context& ctx, const http::Request& request) {
  if (const auto user = ctx.session_user ? ctx.session_user(request) : std::nullopt) return *user;
  return error_response(400, "preferences belong to a signed-in web UI user, not the API token");
}

json preferences_json(const std::optional<std::string>& language) {
  return {{"language", language ? json(*language) : json(nullptr)}};
}

http::Response get(Context& ctx, const http::Request& request) {
  const auto user = user_of(ctx, request);
  if (const auto* refusal = std::get_if<http::Response>(&user)) return *refusal;
  const auto language = ctx.store.read(
      [&user](Database& db) { return find_user_language(db, std::get<std::string>(user)); });
  return json_response(200, preferences_json(language));
}

http::Response put(Context& ctx, const http::Request& request) {
  const auto user = user_of(ctx, request);
  if (const auto* refusal = std::get_if<http::Response>(&user)) return *refusal;
  auto parsed = json_body_object(request, {"language"});
  if (auto* error = std::get_if<http::Response>(&parsed)) return *error;
  const json language = std::get<json>(parsed).value("language", json());
  if (!language.is_string() || !planner::language_named(language.get<std::string>())) {
    return error_response(400, "parameter_choice",
                          {{"key", "language"}, {"choices", kLanguageChoices}},
                          std::string("language: expected one of ") + kLanguageChoices);
  }
  ctx.store.write([&](Database& db) {
    save_user_language(db, std::get<std::string>(user), language.get<std::string>(), ctx.now());
  });
  return json_response(200, preferences_json(language.get<std::string>()));
}

}  // namespace

void register_preference_routes(http::Server& server, Context& ctx) {
  add_api_routes(
      server, ctx,
      {{"GET", "/api/v1/me/preferences", MinRole::kViewer, get},
       {"PUT", "/api/v1/me/preferences", MinRole::kViewer, put, bounded_json::kSmallBodyBytes}});
}

}  // namespace sahab::collector
