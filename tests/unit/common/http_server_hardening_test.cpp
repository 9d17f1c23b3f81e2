// The server's defences against hostile clients (issue #14), on a real server over loopback.
#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "common/bounded_json.h"
#include "common/http_server.h"

using namespace sahab::http;

namespace {

// Connects from `source` (any 127.0.0.0/8 address) to the server; -1 on failure.
int connect_from(int port, const char* source = "127.0.0.1") {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in local{};
  local.sin_family = AF_INET;
  ::inet_pton(AF_INET, source, &local.sin_addr);
  ::bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return -1;
  }
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  return fd;
}

// Sends `request` on `fd` and reads one answer (headers and Content-Length bytes of body).
std::string exchange(int fd, const std::string& request) {
  REQUIRE(::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size()));
  std::string reply;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) {
    reply.append(buffer, static_cast<size_t>(n));
    const auto end = reply.find("\r\n\r\n");
    if (end == std::string::npos) continue;
    const auto length_at = reply.find("Content-Length: ");
    const auto length = std::stoul(reply.substr(length_at + 16));
    if (reply.size() >= end + 4 + length) break;
  }
  return reply;
}

std::string once(int port, const std::string& request) {
  const int fd = connect_from(port);
  REQUIRE(fd >= 0);
  std::string reply = exchange(fd, request);
  ::close(fd);
  return reply;
}

struct TestServer {
  Server server;
  explicit TestServer(Options options = {}) : server(std::move(options)) {
    server.route("GET", "/healthz", [](const Request&) { return Response::text(200, "ok"); });
    server.route(
        "POST", "/small", [](const Request& r) { return Response::text(200, r.body); }, 16);
    server.route("POST", "/json", [](const Request& r) {
      return Response::json(200, sahab::bounded_json::parse(r.body).dump());
    });
    server.route("GET", "/path/*", [](const Request& r) { return Response::text(200, r.path); });
    server.start();
  }
  int port() const { return server.port(); }
};

}  // namespace

TEST_CASE("http: cross-origin preflights are refused and nothing announces CORS") {
  TestServer t;
  const std::string preflight =
      once(t.port(),
           "OPTIONS /healthz HTTP/1.1\r\nHost: x\r\nOrigin: https://e.x\r\n"
           "Access-Control-Request-Method: POST\r\n\r\n");
  CHECK(preflight.starts_with("HTTP/1.1 403"));
  CHECK(preflight.find("Access-Control-") == std::string::npos);
  const std::string get =
      once(t.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\nOrigin: https://e.x\r\n\r\n");
  CHECK(get.starts_with("HTTP/1.1 200"));
  CHECK(get.find("Access-Control-") == std::string::npos);
}

TEST_CASE("http: every answer says nosniff and how long an idle connection stays open") {
  Options options;
  options.keep_alive_timeout_ms = 7'000;
  TestServer t(options);
  const std::string reply = once(t.port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(reply.find("X-Content-Type-Options: nosniff\r\n") != std::string::npos);
  CHECK(reply.find("Keep-Alive: timeout=6\r\n") != std::string::npos);
}

TEST_CASE("http: HEAD is answered by the GET route, without the body") {
  TestServer t;
  const std::string reply = once(t.port(), "HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(reply.starts_with("HTTP/1.1 200"));
  CHECK(reply.find("Content-Length: 3\r\n") != std::string::npos);
  CHECK(reply.ends_with("\r\n\r\n"));
}

TEST_CASE("http: routes have their own body caps") {
  TestServer t;
  CHECK(once(t.port(),
             "POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 16\r\n\r\n0123456789abcdef")
            .starts_with("HTTP/1.1 200"));
  const std::string big = once(
      t.port(), "POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 17\r\n\r\n0123456789abcdefg");
  CHECK(big.starts_with("HTTP/1.1 413"));
  CHECK(big.find("exceeds 16 bytes") != std::string::npos);
}

TEST_CASE("http: a body refused by the bounded parser is a 400 naming the problem") {
  TestServer t;
  const std::string deep = std::string(100, '[') + std::string(100, ']');
  const std::string reply = once(t.port(), "POST /json HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                                               std::to_string(deep.size()) + "\r\n\r\n" + deep);
  CHECK(reply.starts_with("HTTP/1.1 400"));
  CHECK(reply.find("nested deeper than 64 levels") != std::string::npos);
}

TEST_CASE("http: ambiguous framing and NUL bytes in paths are refused") {
  TestServer t;
  CHECK(once(t.port(),
             "POST /json HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: "
             "9\r\n\r\n{}")
            .starts_with("HTTP/1.1 400"));
  CHECK(once(t.port(),
             "POST /json HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: "
             "chunked\r\n\r\n{}")
            .starts_with("HTTP/1.1 400"));
  CHECK(once(t.port(), "GET /path/a%00b HTTP/1.1\r\nHost: x\r\n\r\n").starts_with("HTTP/1.1 400"));
  CHECK(once(t.port(), "GET /path/a%2f..%2f..%2fetc HTTP/1.1\r\nHost: x\r\n\r\n")
            .starts_with("HTTP/1.1 400"));
  const std::string decoded = once(t.port(), "GET /path/a%20b HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(decoded.ends_with("/path/a b\n"));
}

TEST_CASE("http: one address holds at most its cap of connections, closing frees them") {
  Options options;
  options.max_connections_per_address = 3;
  options.threads = 16;
  TestServer t(options);
  const std::string get = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
  std::vector<int> held;
  for (int i = 0; i < 3; ++i) {
    held.push_back(connect_from(t.port(), "127.0.0.5"));
    CHECK(exchange(held.back(), get).starts_with("HTTP/1.1 200"));  // kept alive, still counted
  }
  const int fourth = connect_from(t.port(), "127.0.0.5");
  const std::string refused = exchange(fourth, get);
  CHECK(refused.starts_with("HTTP/1.1 503"));
  CHECK(refused.find("Connection: close") != std::string::npos);
  ::close(fourth);
  CHECK(once(t.port(), get).starts_with("HTTP/1.1 200"));  // another address is not affected
  for (int fd : held) ::close(fd);
  // CivetWeb notices a close at its next read (soon, but not at once on a loaded machine): each
  // new connection of the address is admitted within a few seconds, again and again (no leak).
  const auto admitted_soon = [&] {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      const int fd = connect_from(t.port(), "127.0.0.5");
      const bool admitted = exchange(fd, get).starts_with("HTTP/1.1 200");
      ::close(fd);
      if (admitted) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  };
  for (int i = 0; i < 10; ++i) CHECK(admitted_soon());
}

TEST_CASE("http: path patterns name segments, exact paths win, then patterns, then prefixes") {
  Server server(Options{});
  const auto echo = [](const char* which) {
    return [which](const Request& r) {
      std::string out = which;
      for (const auto& [name, value] : r.params) out += " " + name + "=" + value;
      return Response::text(200, out);
    };
  };
  server.route("GET", "/api/v1/hosts/{id}", echo("host"));
  server.route("GET", "/api/v1/hosts/{id}/utilisation", echo("utilisation"));
  server.route("GET", "/api/v1/hosts/summary", echo("exact"));
  server.route("GET", "/api/v1/{kind}/{id}", echo("generic"));
  server.route("GET", "/api/*", echo("prefix"));
  server.route("POST", "/api/v1/items/{id}/{verb}", echo("verb"));
  server.start();
  const auto get = [&](const std::string& path, const std::string& method = "GET") {
    const std::string reply = once(
        server.port(), method + " " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
    return reply.substr(reply.find("\r\n\r\n") + 4);
  };
  CHECK(get("/api/v1/hosts/h-1") == "host id=h-1\n");
  CHECK(get("/api/v1/hosts/h%201/utilisation") == "utilisation id=h 1\n");
  CHECK(get("/api/v1/hosts/summary") == "exact\n");
  CHECK(get("/api/v1/groups/g-3") == "generic id=g-3 kind=groups\n");
  CHECK(get("/api/v1/hosts/h-1/other") == "prefix\n");
  CHECK(get("/api/v1/hosts/") == "prefix\n");  // an empty segment names nothing
  CHECK(get("/api/v1/items/7/approve", "POST") == "verb id=7 verb=approve\n");
  const std::string wrong_method =
      once(server.port(), "GET /api/v1/items/7/approve HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK(wrong_method.starts_with("HTTP/1.1 200"));  // the prefix route takes GET /api/...
  const std::string put =
      once(server.port(), "PUT /api/v1/hosts/h-1 HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
  CHECK(put.starts_with("HTTP/1.1 405"));
  server.stop();
}
