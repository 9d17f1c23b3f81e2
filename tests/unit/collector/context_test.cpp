// collector/api/context: what every handler relies on: error and JSON answers, who may call
// (bearer token or session, by role), who called, from where, the body as sent or inflated, and
// the query's times and durations.
#include "collector/api/context.h"

#include <doctest/doctest.h>

#include <algorithm>

#include "collector/ingest/decompress.h"
#include "common/gzip.h"
#include "planner/config.h"
#include "unit/collector/temp_store.h"

using namespace sahab;
using namespace sahab::collector;
using nlohmann::json;

namespace {

constexpr const char* kToken = "admin-token-0123456789";

struct Fixture {
  testing::TempStore db;
  CollectorConfig config;
  Telemetry telemetry{db.store};
  RateLimiter limiter{1, 1};
  // What the session check was asked, for the cases that delegate to it.
  std::vector<MinRole> asked;
  Context context{config,
                  db.store,
                  telemetry,
                  limiter,
                  "",
                  kToken,
                  [] { return std::int64_t{1'800'000'000}; },
                  [this](const http::Request& r, MinRole role) -> std::optional<http::Response> {
                    asked.push_back(role);
                    if (r.header("cookie") == "session=viewer" && role != MinRole::kViewer) {
                      return error_response(403, "role viewer is below the call's");
                    }
                    return std::nullopt;
                  },
                  [](const http::Request& r) -> std::optional<std::string> {
                    if (r.header("cookie") == "session=viewer") return "yasmine";
                    return std::nullopt;
                  }};
};

http::Request with_headers(std::map<std::string, std::string> headers) {
  http::Request r;
  r.method = "GET";
  r.path = "/api/v1/hosts";
  r.remote_address = "10.0.0.7";
  r.headers = std::move(headers);
  return r;
}

http::Request with_query(const std::string& query) {
  http::Request r;
  r.query = query;
  return r;
}

std::optional<std::string> header_of(const http::Response& r, const std::string& name) {
  const auto it = std::find_if(r.headers.begin(), r.headers.end(),
                               [&](const auto& h) { return h.first == name; });
  return it == r.headers.end() ? std::nullopt : std::optional(it->second);
}

}  // namespace

TEST_CASE("context: error and JSON answers are one line of JSON, invalid UTF-8 replaced") {
  const auto error = error_response(404, "no host 'web-1'");
  CHECK(error.status == 404);
  CHECK(error.content_type.starts_with("application/json"));
  CHECK(error.body == "{\"code\":\"not_found\",\"error\":\"no host 'web-1'\",\"params\":{}}\n");
  const auto bad = error_response(400, "bad byte \xff here");
  CHECK(json::parse(bad.body)["error"] == "bad byte \xEF\xBF\xBD here");
  const auto ok = json_response(201, json{{"id", 7}, {"name", "caf\xC3\xA9"}});
  CHECK(ok.status == 201);
  CHECK(ok.body == "{\"id\":7,\"name\":\"caf\xC3\xA9\"}\n");
}

TEST_CASE("context: refusals carry a stable code and parameters beside the English message") {
  const json named =
      json::parse(error_response(404, "host_not_found", {{"id", "web-1"}}, "no host 'web-1'").body);
  CHECK(named["code"] == "host_not_found");
  CHECK(named["params"]["id"] == "web-1");
  CHECK(named["error"] == "no host 'web-1'");
  CHECK(json::parse(error_response(503, "busy").body)["code"] == "unavailable");
  CHECK(status_code(429) == "too_many_requests");
  CHECK(status_code(418) == "error");
  // What-if values the planner's settings refuse, answered from their structured refusal.
  const auto refusal_of = [](const json& parameters) {
    planner::PlannerConfig config;
    try {
      planner::apply_parameters(config, parameters, "what-if");
    } catch (const settings::ConfigError& e) {
      return json::parse(parameter_error(e).body);
    }
    return json();
  };
  const json range = refusal_of({{"sizing", {{"comfort_factor", 42}}}});
  CHECK(range["code"] == "parameter_range");
  CHECK(range["params"]["key"] == "sizing.comfort_factor");
  CHECK(range["params"]["min"] == 1.0);
  CHECK(range["params"]["max"] == 10.0);
  CHECK(range["error"].get<std::string>().find("got 42") != std::string::npos);
  const json choice = refusal_of({{"sizing", {{"percentile", "p42"}}}});
  CHECK(choice["code"] == "parameter_choice");
  CHECK(choice["params"]["key"] == "sizing.percentile");
  CHECK(choice["params"]["choices"].get<std::string>().find("p95") != std::string::npos);
  const json unknown = refusal_of({{"sizing", {{"nope", 1}}}});
  CHECK(unknown["code"] == "parameter_unknown");
  CHECK(unknown["params"]["key"] == "sizing.nope");
  json deep = 1;
  for (int i = 0; i < 10; ++i) deep = json{{"a", deep}};
  const json unnamed = refusal_of(deep);
  CHECK(unnamed["code"] == "parameter_invalid");
  CHECK(unnamed["params"]["key"] == "");
}

TEST_CASE("context: the bearer token is what follows 'Bearer ', trimmed") {
  CHECK(bearer_token(with_headers({{"authorization", "Bearer abc"}})) == "abc");
  CHECK(bearer_token(with_headers({{"authorization", "Bearer   abc \t"}})) == "abc");
  CHECK(bearer_token(with_headers({{"authorization", "Bearer "}})) == "");
  // The scheme is case-insensitive in HTTP.
  CHECK(bearer_token(with_headers({{"authorization", "bearer abc"}})) == "abc");
  CHECK(bearer_token(with_headers({{"authorization", "BEARER abc"}})) == "abc");
  CHECK_FALSE(bearer_token(with_headers({{"authorization", "Basic YWRtaW46cHc="}})));
  CHECK_FALSE(bearer_token(with_headers({{"authorization", "Bearerabc"}})));
  CHECK_FALSE(bearer_token(with_headers({})));
}

TEST_CASE("context: the admin token may do everything, anything else is 401 with a challenge") {
  Fixture f;
  const auto bearer = [](const std::string& token) {
    return with_headers({{"authorization", "Bearer " + token}});
  };
  for (const auto role : {MinRole::kViewer, MinRole::kPlanner, MinRole::kAdmin}) {
    CHECK_FALSE(require_role(f.context, bearer(kToken), role));
  }
  for (const auto& request :
       {bearer("wrong-token-0123456789"), bearer(std::string(kToken) + "x"), bearer(""),
        bearer(std::string(kToken).substr(0, 10)), with_headers({})}) {
    const auto refused = require_role(f.context, request, MinRole::kViewer);
    REQUIRE(refused);
    CHECK(refused->status == 401);
    CHECK(refused->body ==
          "{\"code\":\"unauthorised\",\"error\":\"admin bearer token required\",\"params\":{}}\n");
    CHECK(header_of(*refused, "WWW-Authenticate") == "Bearer");
  }
  // Without a configured token nothing opens the admin API, not even an empty bearer token.
  f.context.api_token = "";
  CHECK(require_role(f.context, bearer(""), MinRole::kViewer)->status == 401);
  CHECK(require_role(f.context, bearer(kToken), MinRole::kViewer)->status == 401);
  CHECK(f.asked.empty());
}

TEST_CASE("context: a cookie without a bearer token is the session check's, with the role") {
  Fixture f;
  const auto viewer = with_headers({{"cookie", "session=viewer"}});
  CHECK_FALSE(require_role(f.context, viewer, MinRole::kViewer));
  const auto refused = require_role(f.context, viewer, MinRole::kAdmin);
  REQUIRE(refused);
  CHECK(refused->status == 403);
  CHECK(f.asked == std::vector<MinRole>{MinRole::kViewer, MinRole::kAdmin});
  // A bearer token wins over a cookie: the session check is not asked.
  auto both = with_headers({{"cookie", "session=viewer"}, {"authorization", "Bearer wrong"}});
  CHECK(require_role(f.context, both, MinRole::kViewer)->status == 401);
  both.headers["authorization"] = std::string("Bearer ") + kToken;
  CHECK_FALSE(require_role(f.context, both, MinRole::kAdmin));
  CHECK(f.asked.size() == 2);
  // Without a session check (no web UI users), a cookie is no credential.
  f.context.session_authorise = nullptr;
  CHECK(require_role(f.context, viewer, MinRole::kViewer)->status == 401);
}

TEST_CASE("context: the actor is the session's user, else the API token") {
  Fixture f;
  CHECK(actor_name(f.context, with_headers({{"cookie", "session=viewer"}})) == "yasmine");
  CHECK(actor_name(f.context, with_headers({{"cookie", "session=unknown"}})) == "api-token");
  CHECK(actor_name(f.context, with_headers({{"cookie", "session=viewer"},
                                            {"authorization", std::string("Bearer ") + kToken}})) ==
        "api-token");
  f.context.session_user = nullptr;
  CHECK(actor_name(f.context, with_headers({{"cookie", "session=viewer"}})) == "api-token");
}

TEST_CASE("context: X-Real-IP is believed only from a trusted proxy, and only when sensible") {
  Fixture f;
  f.config.trusted_proxies = {"127.0.0.1", "::1"};
  auto request = with_headers({{"x-real-ip", "203.0.113.5"}});
  CHECK_FALSE(from_trusted_proxy(f.config.trusted_proxies, request));
  CHECK(client_address(f.context, request) == "10.0.0.7");
  request.remote_address = "127.0.0.1";
  CHECK(from_trusted_proxy(f.config.trusted_proxies, request));
  CHECK(client_address(f.context, request) == "203.0.113.5");
  request.remote_address = "::1";
  CHECK(client_address(f.context, request) == "203.0.113.5");
  request.headers["x-real-ip"] = "";
  CHECK(client_address(f.context, request) == "::1");
  request.headers["x-real-ip"] = std::string(65, '1');
  CHECK(client_address(f.context, request) == "::1");
  request.headers.erase("x-real-ip");
  CHECK(client_address(f.context, request) == "::1");
  // Addresses are compared whole: a prefix of a trusted one is not trusted.
  request.remote_address = "127.0.0.10";
  request.headers["x-real-ip"] = "203.0.113.5";
  CHECK(client_address(f.context, request) == "127.0.0.10");
}

TEST_CASE("context: bodies as sent or gzipped, capped after inflating, other encodings refused") {
  Fixture f;
  f.config.max_decompressed_bytes = 1000;
  auto request = with_headers({});
  request.body = std::string(1000, 'a');
  CHECK(decoded_body(f.context, request) == request.body);
  request.headers["content-encoding"] = "identity";
  CHECK(decoded_body(f.context, request) == request.body);
  request.body += "b";
  CHECK_THROWS_WITH_AS(decoded_body(f.context, request), "body exceeds 1000 bytes", TooLarge);

  for (const char* encoding : {"gzip", "x-gzip", "GZip"}) {
    CAPTURE(encoding);
    request.headers["content-encoding"] = encoding;
    request.body = gzip::compress(R"({"hello":"world"})");
    CHECK(decoded_body(f.context, request) == R"({"hello":"world"})");
    request.body = gzip::compress(std::string(1001, 'z'));  // a few bytes that inflate past the cap
    CHECK(request.body.size() < 100);
    CHECK_THROWS_AS(decoded_body(f.context, request), TooLarge);
    request.body = "not gzip at all";
    CHECK_THROWS_AS(decoded_body(f.context, request), BadEncoding);
    request.body = gzip::compress(R"({"hello":"world"})").substr(0, 15);
    CHECK_THROWS_AS(decoded_body(f.context, request), BadEncoding);
  }
  request.headers["content-encoding"] = "br";
  CHECK_THROWS_WITH_AS(decoded_body(f.context, request), "unsupported Content-Encoding 'br'",
                       std::domain_error);
  request.headers["content-encoding"] = std::string(500, 'x');
  CHECK_THROWS_WITH_AS(decoded_body(f.context, request),
                       ("unsupported Content-Encoding '" + std::string(64, 'x') + "'").c_str(),
                       std::domain_error);
}

TEST_CASE("context: repeatable query parameters, decoded, names too") {
  const auto r = with_query("label=region%3DSouss&label=os+family%3Dlinux&x=1&lab%65l=&label");
  CHECK(query_params(r, "label") ==
        std::vector<std::string>{"region=Souss", "os family=linux", "", ""});
  CHECK(query_params(r, "x") == std::vector<std::string>{"1"});
  CHECK(query_params(r, "missing").empty());
  CHECK(query_params(with_query(""), "label").empty());
}

TEST_CASE("context: times as unix seconds or RFC 3339, refused otherwise with the name") {
  CHECK_FALSE(time_param(with_query("to=5"), "from"));
  CHECK(time_param(with_query("from=1700000000"), "from") == 1'700'000'000);
  CHECK(time_param(with_query("from=2026-01-01T00:00:00Z"), "from") == 1'767'225'600);
  CHECK(time_param(with_query("from=2026-01-01T01:00:00%2B01:00"), "from") == 1'767'225'600);
  CHECK_THROWS_WITH_AS(time_param(with_query("from=yesterday"), "from"),
                       "from: expected RFC 3339 or unix seconds, got 'yesterday'",
                       std::invalid_argument);
  CHECK_THROWS_AS(time_param(with_query("from=2026-02-30T00:00:00Z"), "from"),
                  std::invalid_argument);
  CHECK_THROWS_AS(time_param(with_query("from="), "from"), std::invalid_argument);
}

TEST_CASE("context: durations of at least one second") {
  CHECK_FALSE(duration_param(with_query(""), "window"));
  CHECK(duration_param(with_query("window=30d"), "window") == 30 * 86'400);
  CHECK(duration_param(with_query("window=1h"), "window") == 3600);
  CHECK(duration_param(with_query("window=1s"), "window") == 1);
  for (const char* bad : {"window=999ms", "window=0s", "window=-1h", "window=soon", "window="}) {
    CAPTURE(bad);
    CHECK_THROWS_WITH_AS(duration_param(with_query(bad), "window"),
                         "window: expected a duration of at least 1s such as 1h or 30d",
                         std::invalid_argument);
  }
}
