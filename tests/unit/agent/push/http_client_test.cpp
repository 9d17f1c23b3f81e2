// The push client against real peers on loopback: a server that answers with exact bytes (plain
// and TLS), a forward proxy, and certificates made by openssl for each trust case.
#include "agent/push/http_client.h"

#include <doctest/doctest.h>

#include <map>

#include "unit/agent/push/loopback_peers.h"

using namespace sahab::agent;
using namespace sahab::testing;
using namespace std::chrono_literals;

namespace {

Reply ok(const std::string& body, const std::string& extra_headers = "") {
  return {"HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" +
          extra_headers + "\r\n" + body};
}

ClientOptions trusting_test_ca() {
  ClientOptions options;
  options.ca_file = certificates().file("ca.crt");
  options.connect_timeout = 2s;
  options.timeout = 5s;
  return options;
}

}  // namespace

TEST_CASE("http client: POST with headers and body, Content-Length answer") {
  TestServer server([](const Received&) { return ok(R"({"acknowledged":1})"); });
  const HttpClient client{ClientOptions{}};
  const auto response = client.post(server.url() + "/api/v1/ingest?x=1", "payload",
                                    {"Content-Type: application/json", "Authorization: Bearer t"});
  CHECK(response.transport_error == "");
  CHECK(response.status == 200);
  CHECK(response.body == R"({"acknowledged":1})");
  const auto received = server.received();
  REQUIRE(received.size() == 1);
  CHECK(received[0].head.starts_with("POST /api/v1/ingest?x=1 HTTP/1.1\r\n"));
  CHECK(received[0].head.find("\r\nHost: 127.0.0.1:" + std::to_string(server.port()) + "\r\n") !=
        std::string::npos);
  CHECK(received[0].head.find("\r\nAuthorization: Bearer t\r\n") != std::string::npos);
  CHECK(received[0].head.find("\r\nContent-Length: 7\r\n") != std::string::npos);
  CHECK(received[0].body == "payload");
}

TEST_CASE(
    "http client: chunked answers, answers until close, interim 100 and redirects as they are") {
  std::map<std::string, std::string> answers = {
      {"/chunked",
       "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n1\r\n \r\n"
       "5\r\nworld\r\n0\r\nTrailer: x\r\n\r\n"},
      {"/close", "HTTP/1.0 201 Created\r\n\r\nuntil the end"},
      {"/continue",
       "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\nok"},
      {"/redirect", "HTTP/1.1 302 Found\r\nLocation: /elsewhere\r\nContent-Length: 0\r\n\r\n"},
      {"/empty", "HTTP/1.1 204 No Content\r\n\r\n"}};
  TestServer server([&](const Received& r) {
    const std::string path = r.head.substr(5, r.head.find(' ', 5) - 5);
    return Reply{answers.at(path), path == "/close"};
  });
  const HttpClient client{ClientOptions{}};
  auto response = client.post(server.url() + "/chunked", "", {});
  CHECK(response.status == 200);
  CHECK(response.body == "hello world");
  response = client.post(server.url() + "/close", "", {});
  CHECK(response.status == 201);
  CHECK(response.body == "until the end");
  response = client.post(server.url() + "/continue", "", {});
  CHECK(response.status == 202);
  CHECK(response.body == "ok");
  response = client.post(server.url() + "/redirect", "", {});
  CHECK(response.status == 302);  // not followed, as before
  response = client.post(server.url() + "/empty", "", {});
  CHECK(response.status == 204);
  CHECK(server.received().size() == 5);
}

TEST_CASE("http client: keep-alive reuses one connection until the server closes it") {
  bool close_next = false;
  TestServer server([&](const Received&) {
    Reply reply = ok("fine", close_next ? "Connection: close\r\n" : "");
    reply.close = close_next;
    return reply;
  });
  const HttpClient client{ClientOptions{}};
  for (int i = 0; i < 3; ++i) CHECK(client.post(server.url() + "/a", "x", {}).status == 200);
  CHECK(server.connections() == 1);
  close_next = true;
  CHECK(client.post(server.url() + "/a", "x", {}).status == 200);
  close_next = false;
  CHECK(client.post(server.url() + "/a", "x", {}).status == 200);
  CHECK(server.connections() == 2);
  CHECK(server.received().size() == 5);
}

TEST_CASE("http client: a kept-alive connection the server dropped silently is replaced") {
  // The server closes after each answer without saying so: the client notices before reuse, or
  // on the attempt, and sends on a new connection; every request arrives exactly once.
  TestServer server([](const Received&) {
    Reply reply = ok("fine");
    reply.close = true;
    return reply;
  });
  const HttpClient client{ClientOptions{}};
  for (int i = 0; i < 3; ++i) CHECK(client.post(server.url() + "/a", "x", {}).status == 200);
  CHECK(server.connections() == 3);
  CHECK(server.received().size() == 3);
}

TEST_CASE("http client: timeouts and refused connections give clear errors") {
  TestServer slow([](const Received&) { return Reply{"HTTP/1.1 200 OK\r\n\r\n", false, 1500ms}; });
  ClientOptions options;
  options.timeout = 300ms;
  const HttpClient client{options};
  const auto started = std::chrono::steady_clock::now();
  auto response = client.post(slow.url() + "/", "x", {});
  CHECK(std::chrono::steady_clock::now() - started < 1200ms);
  CHECK(response.status == 0);
  CHECK(response.transport_error.find("timed out waiting for the answer from 127.0.0.1:") == 0);

  int closed_port;
  {
    Listener gone;
    closed_port = gone.port();
  }
  response = client.post("http://127.0.0.1:" + std::to_string(closed_port) + "/", "x", {});
  CHECK(response.status == 0);
  CHECK(response.transport_error == "failed to connect to 127.0.0.1 port " +
                                        std::to_string(closed_port) + ": Connection refused");
  response = client.post("http://no-such-host.invalid/", "x", {});
  CHECK(response.transport_error.find("could not resolve host no-such-host.invalid") == 0);
  response = client.post("ftp://127.0.0.1/", "x", {});
  CHECK(response.transport_error.find("only http:// and https://") != std::string::npos);
  response = client.post(slow.url() + "/", "x", {"X-Evil: a\r\nInjected: b"});
  CHECK(response.transport_error == "a request header contains a line break");
}

TEST_CASE("http client: oversized or malformed answers are refused") {
  std::map<std::string, std::string> answers = {
      {"/big-length", "HTTP/1.1 200 OK\r\nContent-Length: 1025\r\n\r\n"},
      {"/big-chunked", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n401\r\n"},
      {"/big-close", "HTTP/1.1 200 OK\r\n\r\n" + std::string(2000, 'x')},
      {"/big-head", "HTTP/1.1 200 OK\r\nX-Long: " + std::string(600, 'h') + "\r\n\r\n"},
      {"/garbage", "SSH-2.0-OpenSSH_9.2\r\n\r\n"},
      {"/bad-length", "HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n"},
      {"/truncated", "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort"},
      {"/nothing", ""}};
  answers["/many-headers"] = "HTTP/1.1 200 OK\r\n";
  for (int i = 0; i < 11; ++i) answers["/many-headers"] += "X-" + std::to_string(i) + ": v\r\n";
  answers["/many-headers"] += "\r\n";
  TestServer server([&](const Received& r) {
    return Reply{answers.at(r.head.substr(5, r.head.find(' ', 5) - 5)), true};
  });
  ClientOptions options;
  options.limits = {512, 10, 1024};
  const HttpClient client{options};
  const std::map<std::string, std::string> expected = {
      {"/big-length", "the answer's body is larger than 1024 bytes"},
      {"/big-chunked", "the answer's body is larger than 1024 bytes"},
      {"/big-close", "the answer's body is larger than 1024 bytes"},
      {"/big-head", "the answer's head is larger than 512 bytes"},
      {"/many-headers", "the answer has more than 10 headers"},
      {"/garbage", "not an HTTP answer: 'SSH-2.0-OpenSSH_9.2'"},
      {"/bad-length", "malformed Content-Length in the answer"},
      {"/truncated", "the connection closed in the middle of the answer"},
      {"/nothing", "the server closed the connection without an answer"}};
  for (const auto& [path, error] : expected) {
    CAPTURE(path);
    const auto response = client.post(server.url() + path, "", {});
    CHECK(response.status == 0);
    CHECK(response.transport_error == error);
    CHECK(response.body == "");
  }
}

TEST_CASE("http client: https verifies the server by name or IP against the CA file") {
  ServerTls tls("server");
  TestServer server([](const Received&) { return ok("secure"); }, &tls);
  const HttpClient client{trusting_test_ca()};
  for (const std::string host : {"localhost", "127.0.0.1"}) {
    CAPTURE(host);
    const auto response = client.post(server.url(host) + "/", "x", {});
    CHECK(response.transport_error == "");
    CHECK(response.status == 200);
    CHECK(response.body == "secure");
  }
  // Kept alive across requests to the same host, TLS included.
  CHECK(client.post(server.url("127.0.0.1") + "/", "x", {}).status == 200);
  CHECK(server.handshakes() == 2);
}

TEST_CASE(
    "http client: https refuses an unknown CA, a certificate for another host, no trust store") {
  ServerTls stranger("stranger");
  TestServer untrusted([](const Received&) { return ok("no"); }, &stranger);
  const HttpClient client{trusting_test_ca()};
  auto response = client.post(untrusted.url("localhost") + "/", "x", {});
  CHECK(response.status == 0);
  CHECK(response.transport_error.find("SSL certificate problem with localhost: ") == 0);
  CHECK(response.transport_error.find("not correctly signed by the trusted CA") !=
        std::string::npos);

  ServerTls elsewhere("elsewhere");
  TestServer misnamed([](const Received&) { return ok("no"); }, &elsewhere);
  for (const std::string host : {"localhost", "127.0.0.1"}) {
    CAPTURE(host);
    response = client.post(misnamed.url(host) + "/", "x", {});
    CHECK(response.status == 0);
    CHECK(response.transport_error.find("SSL certificate problem with " + host) == 0);
    CHECK(response.transport_error.find("Common Name (CN) does not match") != std::string::npos);
  }
  CHECK(untrusted.received().empty());
  CHECK(misnamed.received().empty());

  ClientOptions missing = trusting_test_ca();
  missing.ca_file = certificates().file("no-such-ca.crt");
  response = HttpClient{missing}.post(untrusted.url("localhost") + "/", "x", {});
  CHECK(response.transport_error.find("cannot use CA file " + missing.ca_file) == 0);
}

TEST_CASE("http client: the client certificate is presented when configured") {
  ServerTls demanding("server", true);
  TestServer server([](const Received&) { return ok("welcome"); }, &demanding);
  ClientOptions with = trusting_test_ca();
  with.client_cert = certificates().file("client.crt");
  with.client_key = certificates().file("client.key");
  auto response = HttpClient{with}.post(server.url("localhost") + "/", "x", {});
  CHECK(response.transport_error == "");
  CHECK(response.body == "welcome");

  response = HttpClient{trusting_test_ca()}.post(server.url("localhost") + "/", "x", {});
  CHECK(response.status == 0);
  CHECK(response.transport_error.find("TLS handshake with localhost failed") == 0);

  ClientOptions mismatched = with;
  mismatched.client_key = certificates().file("server.key");
  response = HttpClient{mismatched}.post(server.url("localhost") + "/", "x", {});
  CHECK(response.transport_error.find("do not match") != std::string::npos);
}

TEST_CASE("http client: through a proxy, CONNECT for https and absolute-form for http") {
  ServerTls tls("server");
  TestServer server([](const Received&) { return ok("tunnelled"); }, &tls);
  TestProxy proxy;
  ClientOptions options = trusting_test_ca();
  options.proxy = proxy.url();
  const HttpClient client{options};
  auto response = client.post(server.url("localhost") + "/api/v1/ingest", "x", {});
  CHECK(response.transport_error == "");
  CHECK(response.body == "tunnelled");
  response = client.post("http://collector.example:9410/api/v1/enrol", "x", {});
  CHECK(response.body == "proxied");
  const auto heads = proxy.request_heads();
  REQUIRE(heads.size() == 2);
  const std::string target = "localhost:" + std::to_string(server.port());
  CHECK(heads[0] == "CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n");
  CHECK(heads[1].starts_with("POST http://collector.example:9410/api/v1/enrol HTTP/1.1\r\n"));
  CHECK(heads[1].find("\r\nHost: collector.example:9410\r\n") != std::string::npos);

  TestProxy refusing(true);
  options.proxy = refusing.url();
  response = HttpClient{options}.post(server.url("localhost") + "/", "x", {});
  CHECK(response.transport_error == "the proxy 127.0.0.1:" + std::to_string(refusing.port()) +
                                        " refused a tunnel to " + target + ": HTTP 403");
  CHECK(server.received().size() == 1);
}

TEST_CASE(
    "http client: the proxy comes from the configuration or the environment, as curl reads it") {
  std::map<std::string, std::string> environment;
  const http_wire::Environment lookup = [&](const char* name) -> const char* {
    const auto found = environment.find(name);
    return found == environment.end() ? nullptr : found->second.c_str();
  };
  const auto https = http_wire::parse_url("https://collector.commune.ma/x");
  const auto http = http_wire::parse_url("http://collector.commune.ma/x");
  CHECK_FALSE(http_wire::proxy_for(https, "", lookup));
  environment = {{"https_proxy", "http://user:p%40ss@proxy.commune.ma:3128"},
                 {"HTTP_PROXY", "http://ignored:1"}};
  auto proxy = http_wire::proxy_for(https, "", lookup);
  REQUIRE(proxy);
  CHECK(proxy->host == "proxy.commune.ma");
  CHECK(proxy->port == 3128);
  CHECK(proxy->authorization == "Basic dXNlcjpwQHNz");  // user:p@ss
  CHECK_FALSE(http_wire::proxy_for(http, "", lookup));  // HTTP_PROXY is never read (httpoxy)
  environment["all_proxy"] = "proxy2";
  proxy = http_wire::proxy_for(http, "", lookup);
  REQUIRE(proxy);
  CHECK(proxy->host == "proxy2");
  CHECK(proxy->port == 1080);
  proxy = http_wire::proxy_for(https, "http://[::1]:8080", lookup);  // configuration first
  REQUIRE(proxy);
  CHECK(proxy->host == "::1");
  CHECK(proxy->port == 8080);
  CHECK_THROWS_AS(http_wire::proxy_for(https, "socks5://proxy:1080", lookup),
                  std::invalid_argument);
  environment["no_proxy"] = "localhost, .commune.ma";
  CHECK_FALSE(http_wire::proxy_for(https, "", lookup));
  CHECK_FALSE(http_wire::proxy_for(https, "http://configured:1", lookup));
  CHECK(http_wire::bypasses_proxy("COLLECTOR.Commune.MA", "commune.ma"));
  CHECK_FALSE(http_wire::bypasses_proxy("notcommune.ma", "commune.ma"));
  CHECK(http_wire::bypasses_proxy("anything", "*"));
}

TEST_CASE("http client: URLs") {
  auto url = http_wire::parse_url("HTTPS://[fd00::5]:8443?q");
  CHECK(url.tls);
  CHECK(url.host == "fd00::5");
  CHECK(url.port == 8443);
  CHECK(url.target == "/?q");
  CHECK(url.authority() == "[fd00::5]:8443");
  url = http_wire::parse_url("http://collector/api#frag");
  CHECK(url.port == 80);
  CHECK(url.target == "/api");
  CHECK(url.authority() == "collector");
  CHECK(url.host_and_port() == "collector:80");
  for (const char* bad :
       {"collector:9410", "http://", "http://user:pw@host/", "http://host:0/", "http://host:99999/",
        "http://host:12ab/", "http://ho st/", "http://[::1/"}) {
    CAPTURE(bad);
    CHECK_THROWS_AS(http_wire::parse_url(bad), std::invalid_argument);
  }
}
