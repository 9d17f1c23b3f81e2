#include "common/http_server.h"

#include <doctest/doctest.h>

#include <chrono>

using namespace sahab::http;

TEST_CASE("http: TLS ports are refused with a pointer to the reverse proxy") {
  CHECK_THROWS_WITH_AS(validate_listen_address("443s"), doctest::Contains("reverse proxy"),
                       ServerError);
  CHECK_THROWS_AS(validate_listen_address("9100,8443s"), ServerError);
  CHECK_THROWS_AS(validate_listen_address(""), ServerError);
  CHECK_THROWS_AS(validate_listen_address("localhost"), ServerError);
  CHECK_NOTHROW(validate_listen_address(":9100"));
  CHECK_NOTHROW(validate_listen_address("127.0.0.1:0"));
}

TEST_CASE("http: node_exporter's ':PORT' means all interfaces") {
  CHECK(to_civetweb_ports(":9100") == "9100");
  CHECK(to_civetweb_ports("127.0.0.1:9100") == "127.0.0.1:9100");
}

TEST_CASE("http: query parameters are decoded") {
  Request r;
  r.query = "metric=cpu&from=2026-01-01T00%3A00%3A00Z&empty&q=a+b";
  CHECK(r.query_param("metric") == "cpu");
  CHECK(r.query_param("from") == "2026-01-01T00:00:00Z");
  CHECK(r.query_param("empty") == "");
  CHECK(r.query_param("q") == "a b");
  CHECK_FALSE(r.query_param("to"));
}

TEST_CASE("http: stopping a server is prompt (CivetWeb alone waits for a 2 s poll timeout)") {
  Server server(Options{});
  server.route("GET", "/", [](const Request&) { return Response::text(200, "ok"); });
  server.start();
  CHECK(server.port() > 0);
  const auto start = std::chrono::steady_clock::now();
  server.stop();
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1000));
}
