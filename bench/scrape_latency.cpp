// sahab-bench-scrape: times sequential GET /metrics scrapes, one TCP connection per scrape, the
// way a fresh Prometheus or curl reaches an exporter. A plain C++ client so that its own cost
// (microseconds) does not blur exporters answering in well under a millisecond.
//
//   sahab-bench-scrape HOST PORT COUNT [PATH] [--gzip]
// --gzip sends "Accept-Encoding: gzip" as Prometheus does (exporters may then compress).
// prints one line: count, bytes of the last body, median/p90/p99/max/mean in milliseconds.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

// One scrape: connect, send the request, read until the server closes. Returns the response size.
size_t scrape(const sockaddr_in& address, const std::string& request, std::vector<char>& buffer) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) throw std::runtime_error("socket failed");
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    throw std::runtime_error("connect failed");
  }
  if (::send(fd, request.data(), request.size(), 0) != static_cast<ssize_t>(request.size())) {
    ::close(fd);
    throw std::runtime_error("send failed");
  }
  size_t total = 0;
  for (;;) {
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n < 0) {
      ::close(fd);
      throw std::runtime_error("recv failed");
    }
    if (n == 0) break;
    if (total == 0 && std::string_view(buffer.data(), static_cast<size_t>(n)).find(" 200 ") ==
                          std::string_view::npos) {
      ::close(fd);
      throw std::runtime_error("status is not 200");
    }
    total += static_cast<size_t>(n);
  }
  ::close(fd);
  return total;
}

double percentile(const std::vector<double>& sorted, double p) {
  const size_t index = static_cast<size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(index, sorted.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: %s HOST PORT COUNT [PATH] [--gzip]\n", argv[0]);
    return 2;
  }
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(std::atoi(argv[2])));
  if (::inet_pton(AF_INET, argv[1], &address.sin_addr) != 1) {
    std::fprintf(stderr, "bad IPv4 address %s\n", argv[1]);
    return 2;
  }
  const int count = std::atoi(argv[3]);
  if (count <= 0) {
    std::fprintf(stderr, "COUNT must be positive\n");
    return 2;
  }
  std::string path = "/metrics";
  bool gzip = false;
  for (int i = 4; i < argc; ++i) {
    if (std::string_view(argv[i]) == "--gzip") {
      gzip = true;
    } else {
      path = argv[i];
    }
  }
  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + argv[1] +
                              "\r\nUser-Agent: sahab-bench-scrape\r\nAccept: text/plain\r\n" +
                              (gzip ? "Accept-Encoding: gzip\r\n" : "") +
                              "Connection: close\r\n\r\n";
  std::vector<char> buffer(1 << 16);
  std::vector<double> millis;
  millis.reserve(static_cast<size_t>(count));
  size_t bytes = 0;
  try {
    for (int i = 0; i < count; ++i) {
      const auto start = std::chrono::steady_clock::now();
      bytes = scrape(address, request, buffer);
      const std::chrono::duration<double, std::milli> took =
          std::chrono::steady_clock::now() - start;
      millis.push_back(took.count());
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "scrape failed: %s\n", e.what());
    return 1;
  }
  double sum = 0;
  for (double m : millis) sum += m;
  std::sort(millis.begin(), millis.end());
  std::printf(
      "count=%d bytes=%zu median_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f mean_ms=%.3f\n", count,
      bytes, percentile(millis, 0.5), percentile(millis, 0.9), percentile(millis, 0.99),
      millis.back(), sum / count);
  return 0;
}
