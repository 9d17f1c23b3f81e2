#include "common/http_server.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "common/gzip.h"

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

TEST_CASE("http: Accept-Encoding values that allow gzip") {
  CHECK(accepts_gzip("gzip"));
  CHECK(accepts_gzip("deflate, gzip;q=0.5, br"));
  CHECK(accepts_gzip("GZIP"));
  CHECK(accepts_gzip("*"));
  CHECK_FALSE(accepts_gzip(""));
  CHECK_FALSE(accepts_gzip("br, deflate"));
  CHECK_FALSE(accepts_gzip("gzip;q=0"));
  CHECK_FALSE(accepts_gzip("gzip; q=0.000"));
  CHECK_FALSE(accepts_gzip("gzipped"));
}

TEST_CASE("http: large JSON answers are gzipped for clients that accept it") {
  Request request;
  request.headers["accept-encoding"] = "gzip, deflate";
  std::string body = "[";
  for (int i = 0; i < 2000; ++i) body += "{\"id\":\"srv-" + std::to_string(i) + "\"},";
  body += "{}]";
  Response response = Response::json(200, body);
  compress_if_accepted(request, response, 1024);
  CHECK(response.body.size() < body.size() / 4);
  CHECK(sahab::gzip::decompress(response.body, 1 << 20) == body);
  const auto has = [&](const std::string& name, const std::string& value) {
    return std::find(response.headers.begin(), response.headers.end(), std::pair{name, value}) !=
           response.headers.end();
  };
  CHECK(has("Content-Encoding", "gzip"));
  CHECK(has("Vary", "Accept-Encoding"));

  SUBCASE("not without Accept-Encoding, but Vary still says it depends on it") {
    Response plain = Response::json(200, body);
    compress_if_accepted(Request{}, plain, 1024);
    CHECK(plain.body == body);
    CHECK(plain.headers ==
          std::vector<std::pair<std::string, std::string>>{{"Vary", "Accept-Encoding"}});
  }
  SUBCASE("not small answers, not images, not twice, not when disabled") {
    Response small = Response::json(200, "{\"ok\":true}");
    compress_if_accepted(request, small, 1024);
    CHECK(small.body == "{\"ok\":true}");
    CHECK(small.headers.empty());
    Response png = Response::json(200, body);
    png.content_type = "image/png";
    compress_if_accepted(request, png, 1024);
    CHECK(png.body == body);
    Response encoded = Response::json(200, body);
    encoded.headers.emplace_back("Content-Encoding", "br");
    compress_if_accepted(request, encoded, 1024);
    CHECK(encoded.body == body);
    Response off = Response::json(200, body);
    compress_if_accepted(request, off, 0);
    CHECK(off.body == body);
  }
  SUBCASE("not when gzip would not make it smaller") {
    std::string noise;
    std::uint32_t x = 12345;
    for (int i = 0; i < 4096; ++i) noise += static_cast<char>((x = x * 1664525 + 1013904223) >> 24);
    Response random = Response::text(200, noise);
    compress_if_accepted(request, random, 1024);
    CHECK(random.body.size() >= noise.size());
    CHECK(std::find_if(random.headers.begin(), random.headers.end(), [](const auto& h) {
            return h.first == "Content-Encoding";
          }) == random.headers.end());
  }
}

TEST_CASE("http: a real server gzips over the wire only when asked") {
  Options options;
  options.gzip_min_bytes = 64;
  Server server(options);
  const std::string big(5000, 'a');
  server.route("GET", "/big", [&](const Request& r) {
    CHECK(r.header("accept-encoding"));
    return Response::json(200, big);
  });
  server.start();
  // A raw HTTP/1.0 exchange on loopback, so nothing decompresses behind the test's back.
  const auto fetch = [&](const std::string& head) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(server.port()));
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
    const std::string request = "GET /big HTTP/1.0\r\n" + head + "\r\n";
    REQUIRE(::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size()));
    std::string reply;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) reply.append(buffer, n);
    ::close(fd);
    return reply;
  };
  const std::string zipped = fetch("Accept-Encoding: gzip\r\n");
  REQUIRE(zipped.find("\r\n\r\n") != std::string::npos);
  CHECK(zipped.find("Content-Encoding: gzip") != std::string::npos);
  CHECK(sahab::gzip::decompress(zipped.substr(zipped.find("\r\n\r\n") + 4), 1 << 20) == big);
  const std::string plain = fetch("Accept-Encoding: identity\r\n");
  CHECK(plain.find("Content-Encoding") == std::string::npos);
  CHECK(plain.ends_with(big));
  server.stop();
}

namespace {
// Resident KiB of this process's 8 MiB anonymous mappings: the threads' stacks.
long thread_stacks_resident_kib() {
  std::ifstream smaps("/proc/self/smaps");
  long total = 0;
  bool stack = false;
  for (std::string line; std::getline(smaps, line);) {
    if (line.find("Size:") == 0) stack = line.find(" 8192 kB") != std::string::npos;
    if (stack && line.find("Rss:") == 0) total += std::stol(line.substr(4));
  }
  return total;
}
}  // namespace

TEST_CASE("http: workers give back their stacks when a connection closes, and still answer right") {
  Options options;
  options.threads = 2;
  options.release_worker_stacks = true;
  Server server(options);
  // Each answer needs 256 KiB of the worker's stack, filled and summed.
  server.route("GET", "/deep", [](const Request&) {
    volatile unsigned char deep[256 * 1024];
    for (std::size_t i = 0; i < sizeof deep; ++i) deep[i] = static_cast<unsigned char>(i * 7);
    unsigned long sum = 0;
    for (std::size_t i = 0; i < sizeof deep; ++i) sum += deep[i];
    return Response::text(200, std::to_string(sum));
  });
  const long before = thread_stacks_resident_kib();
  server.start();
  const std::string expected = [] {
    unsigned long sum = 0;
    for (std::size_t i = 0; i < 256 * 1024; ++i) sum += static_cast<unsigned char>(i * 7);
    return std::to_string(sum);
  }();
  for (int i = 0; i < 10; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(server.port()));
    ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
    REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
    const std::string request = "GET /deep HTTP/1.0\r\n\r\n";
    REQUIRE(::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size()));
    std::string reply;
    char buffer[4096];
    for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) reply.append(buffer, n);
    ::close(fd);
    CHECK(reply.ends_with("\r\n\r\n" + expected + "\n"));  // Response::text ends the line
  }
  // The close callback runs just after the client sees the end of the answer.
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  // Both workers touched 256 KiB; kept, that would be 512 KiB more than before.
  CHECK(thread_stacks_resident_kib() < before + 256);
  server.stop();
}

namespace {
// One raw exchange on loopback (nothing decodes behind the test's back); the server closes the
// connection after its answer (HTTP/1.0, or "Connection: close" sent here).
std::string exchange(int port, const std::string& request) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::write(fd, request.data(), request.size()) == static_cast<ssize_t>(request.size()));
  std::string reply;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) reply.append(buffer, n);
  ::close(fd);
  return reply;
}

}  // namespace

// An answer up to 256 KiB goes out in one write with its head, a larger one in two: both arrive
// whole, with their length; HEAD still gets the head alone, and an empty body nothing after it.
TEST_CASE("http: answers below and above the one-write size arrive whole, HEAD gets the head") {
  Server server(Options{});
  std::string body;
  server.route("GET", "/body", [&](const Request&) {
    Response r;
    r.body = body;
    return r;
  });
  server.start();
  for (const std::size_t size : {std::size_t{0}, std::size_t{55'000}, std::size_t{256 * 1024},
                                 std::size_t{256 * 1024 + 1}, std::size_t{1'000'000}}) {
    CAPTURE(size);
    body.assign(size, 'x');
    if (size != 0) body[size / 2] = 'y';
    const std::string reply = exchange(server.port(), "GET /body HTTP/1.0\r\n\r\n");
    const auto end_of_head = reply.find("\r\n\r\n");
    REQUIRE(end_of_head != std::string::npos);
    CHECK(reply.find("Content-Length: " + std::to_string(size) + "\r\n") < end_of_head);
    CHECK(reply.substr(end_of_head + 4) == body);
  }
  const std::string head = exchange(server.port(), "HEAD /body HTTP/1.0\r\n\r\n");
  CHECK(head.ends_with("\r\n\r\n"));
  server.stop();
}

namespace {
// The body of a chunked answer, its chunk count, and whether the last (empty) chunk arrived.
struct Chunked {
  std::string body;
  int chunks = 0;
  bool complete = false;
};
Chunked dechunk(std::string_view raw) {
  Chunked out;
  while (!raw.empty()) {
    const auto eol = raw.find("\r\n");
    if (eol == std::string_view::npos) break;
    const auto size = std::stoul(std::string(raw.substr(0, eol)), nullptr, 16);
    if (size == 0) {
      out.complete = raw.substr(eol) == "\r\n\r\n";
      break;
    }
    if (raw.size() < eol + 2 + size + 2) break;
    out.body += raw.substr(eol + 2, size);
    ++out.chunks;
    raw.remove_prefix(eol + 2 + size + 2);
  }
  return out;
}
}  // namespace

TEST_CASE("http: a streamed answer goes out in chunks as it is written, gzipped when asked") {
  Options options;
  options.gzip_min_bytes = 64;
  Server server(options);
  std::string expected;
  for (int i = 0; i < 20'000; ++i) expected += "{\"host\":" + std::to_string(i) + "},";
  server.route("GET", "/stream", [](const Request&) {
    Response r = Response::json(200, "");
    r.stream = [](const Response::Writer& write) {
      for (int i = 0; i < 20'000; ++i) write("{\"host\":" + std::to_string(i) + "},");
    };
    return r;
  });
  server.route("GET", "/broken", [](const Request&) {
    Response r = Response::json(200, "");
    r.stream = [](const Response::Writer& write) {
      write(std::string(100'000, 'x'));
      throw std::runtime_error("the database went away");
    };
    return r;
  });
  server.start();
  const auto split = [](const std::string& reply) {
    const auto end = reply.find("\r\n\r\n");
    REQUIRE(end != std::string::npos);
    return std::pair{reply.substr(0, end + 2), reply.substr(end + 4)};
  };

  const auto [head, body] =
      split(exchange(server.port(), "GET /stream HTTP/1.1\r\nConnection: close\r\n\r\n"));
  CHECK(head.find("Transfer-Encoding: chunked\r\n") != std::string::npos);
  CHECK(head.find("Content-Length") == std::string::npos);
  const Chunked plain = dechunk(body);
  CHECK(plain.complete);
  CHECK(plain.body == expected);
  CHECK(plain.chunks >= 4);  // 370 KB in pieces of 64 KiB, not gathered whole

  const auto [zipped_head, zipped_body] = split(exchange(
      server.port(), "GET /stream HTTP/1.1\r\nAccept-Encoding: gzip\r\nConnection: close\r\n\r\n"));
  CHECK(zipped_head.find("Content-Encoding: gzip\r\n") != std::string::npos);
  const Chunked zipped = dechunk(zipped_body);
  CHECK(zipped.complete);
  CHECK(sahab::gzip::decompress(zipped.body, 1 << 20) == expected);

  // HTTP/1.0 knows no chunks: the same answer, whole, with its length.
  const auto [old_head, old_body] = split(exchange(server.port(), "GET /stream HTTP/1.0\r\n\r\n"));
  CHECK(old_head.find("Content-Length: " + std::to_string(expected.size())) != std::string::npos);
  CHECK(old_body == expected);

  // A failure after the answer began: no last chunk, so the client knows the answer is cut.
  const auto [broken_head, broken_body] =
      split(exchange(server.port(), "GET /broken HTTP/1.1\r\nConnection: close\r\n\r\n"));
  CHECK(broken_head.starts_with("HTTP/1.1 200"));
  const Chunked broken = dechunk(broken_body);
  CHECK(broken.body.size() == 100'000);
  CHECK_FALSE(broken.complete);
  server.stop();
}

namespace {
// POSTs `body` to `path` on loopback as HTTP/1.0; the raw answer.
std::string post_raw(int port, const std::string& path, const std::string& body) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &address.sin_addr);
  REQUIRE(::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) == 0);
  const std::string request = "POST " + path +
                              " HTTP/1.0\r\nContent-Length: " + std::to_string(body.size()) +
                              "\r\n\r\n" + body;
  std::string_view left = request;
  while (!left.empty()) {
    // MSG_NOSIGNAL: a server that answers early (413, 401) and closes must not kill the test.
    const auto n = ::send(fd, left.data(), left.size(), MSG_NOSIGNAL);
    if (n <= 0) break;
    left.remove_prefix(static_cast<std::size_t>(n));
  }
  std::string reply;
  char buffer[4096];
  for (ssize_t n; (n = ::read(fd, buffer, sizeof buffer)) > 0;) reply.append(buffer, n);
  ::close(fd);
  return reply;
}
}  // namespace

TEST_CASE("http: a route keeping bodies in a file gets the body unlinked on disk, capped") {
  char dir_template[] = "/tmp/sahab-body-test.XXXXXX";
  REQUIRE(::mkdtemp(dir_template));
  const std::string dir = dir_template;
  const char* old_tmpdir = std::getenv("TMPDIR");
  const std::string saved = old_tmpdir ? old_tmpdir : "";
  ::setenv("TMPDIR", dir.c_str(), 1);
  Server server(Options{});
  std::string seen;
  bool in_memory = true, listed = true;
  server.route(
      "POST", "/upload",
      [&](const Request& r) {
        in_memory = !r.body.empty() || !r.body_file;
        seen = std::string(r.content());
        // Written there, and unlinked at once: nothing to clean up after a crash.
        listed = std::filesystem::directory_iterator(dir) != std::filesystem::directory_iterator();
        return Response::text(200, std::to_string(r.content().size()));
      },
      1 << 20, BodyStorage::kFile);
  bool handled = false;
  server.route(
      "POST", "/gated", [&](const Request&) { return handled = true, Response::text(200, "in"); },
      1 << 20, BodyStorage::kFile,
      [](const Request& r) -> std::optional<Response> {
        if (r.header("authorization")) return std::nullopt;
        return Response::text(401, "who are you?");
      });
  server.start();
  std::string body(700'000, '\0');
  for (std::size_t i = 0; i < body.size(); ++i) body[i] = static_cast<char>(i * 7919 % 251);
  CHECK(post_raw(server.port(), "/upload", body).ends_with("700000\n"));
  CHECK_FALSE(in_memory);
  CHECK_FALSE(listed);
  CHECK(seen == body);
  CHECK(post_raw(server.port(), "/upload", "").ends_with("\r\n0\n"));  // an empty body maps nothing
  const std::string over = post_raw(server.port(), "/upload", std::string((1 << 20) + 1, 'x'));
  CHECK(over.starts_with("HTTP/1.1 413"));
  CHECK(over.find("request body exceeds 1048576 bytes") != std::string::npos);
  // A gate refuses before the body is received: the handler never runs.
  const std::string gated = post_raw(server.port(), "/gated", std::string(500'000, 'x'));
  CHECK(gated.starts_with("HTTP/1.1 401"));
  CHECK(gated.find("Connection: close") != std::string::npos);
  CHECK_FALSE(handled);
  // No directory to write to: the server says so instead of failing silently.
  ::setenv("TMPDIR", (dir + "/gone").c_str(), 1);
  CHECK(post_raw(server.port(), "/upload", "abc").starts_with("HTTP/1.1 507"));
  server.stop();
  if (old_tmpdir) {
    ::setenv("TMPDIR", saved.c_str(), 1);
  } else {
    ::unsetenv("TMPDIR");
  }
  std::filesystem::remove_all(dir);
}
