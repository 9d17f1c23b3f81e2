// collector/api/router: a route table on a real HTTP server over loopback: the least role each
// route needs (401, 403, handler never reached), path parameters decoded from {name} segments,
// exact paths over patterns over prefixes, 404/405, body caps (413) and ?window=.
#include "collector/api/router.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>

#include "unit/collector/temp_store.h"

using namespace sahab;
using namespace sahab::collector;
using nlohmann::json;

namespace {

constexpr const char* kToken = "router-admin-token-0123";

struct Reply {
  int status = 0;
  std::string head;  // status line and headers
  std::string body;
};

// One HTTP/1.1 exchange on a fresh connection that the server closes after answering.
Reply call(int port, const std::string& method, const std::string& target,
           const std::string& headers = "", const std::string& body = "") {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  const std::string request = method + " " + target +
                              " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headers +
                              "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size()));
  std::string raw;
  char buffer[4096];
  for (ssize_t n; (n = ::recv(fd, buffer, sizeof buffer, 0)) > 0;) {
    raw.append(buffer, static_cast<size_t>(n));
  }
  ::close(fd);
  const auto end = raw.find("\r\n\r\n");
  REQUIRE(end != std::string::npos);
  Reply reply;
  reply.head = raw.substr(0, end);
  reply.body = raw.substr(end + 4);
  reply.status = std::stoi(raw.substr(raw.find(' ') + 1, 3));
  return reply;
}

std::string bearer(const std::string& token) { return "Authorization: Bearer " + token + "\r\n"; }
std::string session(const std::string& role) { return "Cookie: session=" + role + "\r\n"; }

// What a handler saw: its name, the named segments it asked for, the body's size.
ApiHandler echo(const std::string& name, std::vector<std::string> params, std::atomic<int>& calls) {
  return [name, params = std::move(params), &calls](Context&, const http::Request& request) {
    ++calls;
    json seen{{"route", name}, {"bytes", request.body.size()}};
    for (const auto& p : params) seen[p] = request.param(p);
    return json_response(200, seen);
  };
}

struct Fixture {
  testing::TempStore db;
  CollectorConfig config;
  Telemetry telemetry{db.store};
  RateLimiter limiter{1, 1};
  // The web UI's session check stands in as "session=ROLE" cookies; the router only has to ask
  // it for the route's role.
  Context context{config,
                  db.store,
                  telemetry,
                  limiter,
                  "",
                  kToken,
                  [] { return std::int64_t{1'800'000'000}; },
                  [](const http::Request& r, MinRole need) -> std::optional<http::Response> {
                    const auto cookie = r.header("cookie").value_or("");
                    const std::map<std::string, MinRole> roles{
                        {"session=viewer", MinRole::kViewer},
                        {"session=planner", MinRole::kPlanner},
                        {"session=admin", MinRole::kAdmin}};
                    const auto role = roles.find(cookie);
                    if (role == roles.end()) return error_response(401, "sign in");
                    if (role->second < need) return error_response(403, "role too low");
                    return std::nullopt;
                  },
                  nullptr};
  std::atomic<int> calls{0};
  // Last, so it stops before the handlers' context and counter go.
  http::Server server{[] {
    http::Options options;
    options.listen = "127.0.0.1:0";
    options.max_body_bytes = 1000;
    return options;
  }()};

  Fixture() {
    add_api_routes(
        server, context,
        {
            {"GET", "/api/v1/ping", std::nullopt, echo("ping", {}, calls)},
            {"GET", "/api/v1/hosts/{id}", MinRole::kViewer, echo("host", {"id", "other"}, calls)},
            {"GET", "/api/v1/hosts/{id}/changes/{section}", MinRole::kViewer,
             echo("changes", {"id", "section"}, calls)},
            // Declared after the pattern it overlaps: exact paths win whatever the order.
            {"GET", "/api/v1/hosts/summary", MinRole::kViewer, echo("summary", {"id"}, calls)},
            {"GET", "/api/v1/hosts/{id}/{what}", MinRole::kViewer,
             echo("host-any", {"id", "what"}, calls)},
            {"GET", "/api/v1/hosts/{id}/utilisation", MinRole::kViewer,
             echo("utilisation", {"id"}, calls)},
            {"POST", "/api/v1/hosts/{id}/labels", MinRole::kPlanner, echo("labels", {"id"}, calls),
             64},
            {"DELETE", "/api/v1/hosts/{id}", MinRole::kAdmin, echo("delete", {"id"}, calls)},
            {"POST", "/api/v1/import", MinRole::kAdmin, echo("import", {}, calls)},
            {"GET", "/downloads/*", std::nullopt, echo("downloads", {}, calls)},
            {"GET", "/downloads/{name}/info", std::nullopt, echo("info", {"name"}, calls)},
            {"GET", "/api/v1/fleet", MinRole::kViewer,
             windowed([](Context&, const http::Request&, std::int64_t window) {
               return json_response(200, json{{"window", window}});
             })},
        });
    server.start();
  }

  Reply get(const std::string& target, const std::string& headers = bearer(kToken)) {
    return call(server.port(), "GET", target, headers);
  }
};

}  // namespace

TEST_CASE("router: a route without a role answers anyone") {
  Fixture f;
  const auto r = f.get("/api/v1/ping", "");
  CHECK(r.status == 200);
  CHECK(json::parse(r.body)["route"] == "ping");
  CHECK(f.get("/api/v1/ping", bearer("wrong")).status == 200);
}

TEST_CASE("router: roles from the table: 401 without credentials, 403 below the role") {
  Fixture f;
  const auto anonymous = f.get("/api/v1/hosts/h1", "");
  CHECK(anonymous.status == 401);
  CHECK(anonymous.head.find("WWW-Authenticate: Bearer") != std::string::npos);
  CHECK(json::parse(anonymous.body)["error"] == "admin bearer token required");
  CHECK(f.get("/api/v1/hosts/h1", bearer("not-the-token-0123456")).status == 401);
  CHECK(f.get("/api/v1/hosts/h1", session("guest")).status == 401);
  CHECK(f.calls == 0);

  // Each route asks for its own role.
  const auto post = [&](const std::string& headers) {
    return call(f.server.port(), "POST", "/api/v1/hosts/h1/labels", headers, "{}").status;
  };
  const auto remove = [&](const std::string& headers) {
    return call(f.server.port(), "DELETE", "/api/v1/hosts/h1", headers).status;
  };
  CHECK(f.get("/api/v1/hosts/h1", session("viewer")).status == 200);
  CHECK(post(session("viewer")) == 403);
  CHECK(remove(session("viewer")) == 403);
  CHECK(post(session("planner")) == 200);
  CHECK(remove(session("planner")) == 403);
  CHECK(remove(session("admin")) == 200);
  CHECK(f.calls == 3);
  // The admin token may do everything.
  CHECK(post(bearer(kToken)) == 200);
  CHECK(remove(bearer(kToken)) == 200);
  CHECK(f.calls == 5);
}

TEST_CASE("router: named segments reach the handler decoded, unnamed ones are empty") {
  Fixture f;
  auto seen = json::parse(f.get("/api/v1/hosts/web-01").body);
  CHECK(seen["route"] == "host");
  CHECK(seen["id"] == "web-01");
  CHECK(seen["other"] == "");
  CHECK(json::parse(f.get("/api/v1/hosts/web%2001").body)["id"] == "web 01");
  CHECK(json::parse(f.get("/api/v1/hosts/caf%C3%A9").body)["id"] == "caf\xC3\xA9");
  CHECK(json::parse(f.get("/api/v1/hosts/h1?x=%2F").body)["id"] == "h1");  // not the query
  seen = json::parse(f.get("/api/v1/hosts/db-2/changes/hardware").body);
  CHECK(seen["route"] == "changes");
  CHECK(seen["id"] == "db-2");
  CHECK(seen["section"] == "hardware");
}

TEST_CASE(
    "router: exact paths over patterns, more literal segments first, patterns over prefixes") {
  Fixture f;
  const auto route = [&](const std::string& target) {
    return json::parse(f.get(target).body)["route"].get<std::string>();
  };
  CHECK(route("/api/v1/hosts/summary") == "summary");
  CHECK(json::parse(f.get("/api/v1/hosts/summary").body)["id"] == "");
  CHECK(route("/api/v1/hosts/summaryx") == "host");
  CHECK(route("/api/v1/hosts/h1/utilisation") == "utilisation");
  CHECK(route("/api/v1/hosts/h1/inventory") == "host-any");
  CHECK(route("/downloads/sahab-agent_1.0_amd64.deb") == "downloads");
  CHECK(route("/downloads/rpm/el9/sahab-agent.rpm") == "downloads");
  CHECK(route("/downloads/pkg/info") == "info");
  CHECK(json::parse(f.get("/downloads/pkg/info").body)["name"] == "pkg");
}

TEST_CASE("router: unknown paths are 404, known paths with another method 405") {
  Fixture f;
  CHECK(f.get("/api/v1/nothing").status == 404);
  CHECK(f.get("/api/v1/hosts").status == 404);
  CHECK(f.get("/api/v1/hosts/").status == 404);  // {id} needs a non-empty segment
  CHECK(f.get("/api/v1/hosts/h1/changes/hardware/extra").status == 404);
  CHECK(call(f.server.port(), "PUT", "/api/v1/hosts/h1", bearer(kToken), "{}").status == 405);
  CHECK(call(f.server.port(), "POST", "/api/v1/ping", "", "{}").status == 405);
  CHECK(call(f.server.port(), "GET", "/api/v1/import", bearer(kToken)).status == 405);
  CHECK(f.calls == 0);
  // HEAD is the GET route without its body, role check included.
  const auto head = call(f.server.port(), "HEAD", "/api/v1/hosts/h1", bearer(kToken));
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(call(f.server.port(), "HEAD", "/api/v1/hosts/h1").status == 401);
}

TEST_CASE("router: a route's body cap, else the server's, answers 413 beyond it") {
  Fixture f;
  const auto labels = [&](std::size_t bytes) {
    return call(f.server.port(), "POST", "/api/v1/hosts/h1/labels", bearer(kToken),
                std::string(bytes, 'x'));
  };
  const auto at_cap = labels(64);
  CHECK(at_cap.status == 200);
  CHECK(json::parse(at_cap.body)["bytes"] == 64);
  const auto over = labels(65);
  CHECK(over.status == 413);
  CHECK(over.body.find("request body exceeds 64 bytes") != std::string::npos);
  const auto import = [&](std::size_t bytes) {
    return call(f.server.port(), "POST", "/api/v1/import", bearer(kToken), std::string(bytes, 'x'))
        .status;
  };
  CHECK(import(1000) == 200);
  CHECK(import(1001) == 413);
  CHECK(f.calls == 2);
}

TEST_CASE("router: windowed reads take ?window=, 30 days without it, 400 when malformed") {
  Fixture f;
  const auto window = [&](const std::string& query) {
    const auto r = f.get("/api/v1/fleet" + query);
    return std::pair{r.status, json::parse(r.body)};
  };
  CHECK(window("").second["window"] == kDefaultWindowSeconds);
  CHECK(kDefaultWindowSeconds == 30 * 86'400);
  CHECK(window("?window=1h").second["window"] == 3600);
  CHECK(window("?window=7d&x=1").second["window"] == 7 * 86'400);
  for (const char* bad : {"?window=abc", "?window=500ms", "?window=", "?window=-1d"}) {
    CAPTURE(bad);
    const auto [status, body] = window(bad);
    CHECK(status == 400);
    CHECK(body["error"] == "window: expected a duration of at least 1s such as 1h or 30d");
  }
  // The role comes first: no window is read for a caller who may not see the fleet.
  CHECK(f.get("/api/v1/fleet?window=abc", "").status == 401);
}
