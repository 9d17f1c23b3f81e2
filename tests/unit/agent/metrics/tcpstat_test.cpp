#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "agent/metrics/registry.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

namespace {

const char* const kHeader =
    "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout "
    "inode\n";

}  // namespace

TEST_CASE("tcpstat: states of IPv4 and IPv6 sockets summed, queues in bytes") {
  const auto families = collect(*make_tcpstat_collector(fixture_paths()));
  CHECK(value_of(families, "node_tcp_connection_states", {{"state", "listen"}}) == 3);
  CHECK(value_of(families, "node_tcp_connection_states", {{"state", "established"}}) == 3);
  CHECK(value_of(families, "node_tcp_connection_states", {{"state", "time_wait"}}) == 1);
  CHECK(value_of(families, "node_tcp_connection_states", {{"state", "close_wait"}}) == 1);
  CHECK(value_of(families, "node_tcp_connection_states", {{"state", "syn_sent"}}) == 1);
  CHECK(value_of(families, "node_tcp_connection_states", {{"state", "tx_queued_bytes"}}) ==
        0x240 + 1);
  CHECK(value_of(families, "node_tcp_connection_states", {{"state", "rx_queued_bytes"}}) ==
        3 + 0x10 + 5);
  // As node_exporter: states nobody is in are absent rather than zero.
  CHECK_FALSE(value_of(families, "node_tcp_connection_states", {{"state", "closing"}}));
  const auto* family = find_family(families, "node_tcp_connection_states");
  REQUIRE(family);
  CHECK(family->help == "Number of connection states.");
  CHECK(family->type == prometheus::MetricType::Gauge);
  CHECK(family->metric.size() == 7);
}

TEST_CASE("tcpstat: 200,000 connections, streamed across chunk boundaries, no tcp6 file") {
  TempTree tree;
  {
    std::ofstream tcp(tree.base / "proc/net/tcp");
    tcp << kHeader;
    char line[200];
    for (int i = 0; i < 200000; ++i) {
      std::snprintf(line, sizeof line,
                    "%6d: 0A00020F:%04X 0A000201:D3A4 %02X 00000001:00000002 02:0000001C 00000000 "
                    "    0        0 41238 4 0000000000000000 20 4 31 10 -1                    \n",
                    i, i % 65536, i % 2 ? 0x01 : 0x06);
      tcp << line;
    }
  }
  const auto families = collect(*make_tcpstat_collector(tree.paths()));
  CHECK(value_of(families, "node_tcp_connection_states", {{"state", "established"}}) == 100000);
  CHECK(value_of(families, "node_tcp_connection_states", {{"state", "time_wait"}}) == 100000);
  CHECK(value_of(families, "node_tcp_connection_states", {{"state", "tx_queued_bytes"}}) == 200000);
  CHECK(value_of(families, "node_tcp_connection_states", {{"state", "rx_queued_bytes"}}) == 400000);
}

TEST_CASE("tcpstat: malformed, endless or missing files are errors, not crashes") {
  CHECK_THROWS_WITH_AS(collect(*make_tcpstat_collector(fixture_paths("broken"))),
                       doctest::Contains("tcp:3: not a socket line"), CollectorError);
  CHECK_THROWS(collect(*make_tcpstat_collector(fixture_paths("absent"))));
  TempTree tree;
  tree.write("proc/net/tcp", kHeader + std::string(100000, 'x'));
  CHECK_THROWS_WITH(collect(*make_tcpstat_collector(tree.paths())),
                    doctest::Contains("line longer than 64 KiB"));
  tree.write("proc/net/tcp", "");
  CHECK_THROWS_WITH_AS(collect(*make_tcpstat_collector(tree.paths())),
                       doctest::Contains("is empty"), CollectorError);
}

TEST_CASE("tcpstat: on the live system, sock_diag counts sockets as node_exporter 1.5 does") {
  // A listener with a backlog of 7 and one connection to it, on loopback.
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof address;
  REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
  REQUIRE(::listen(listener, 7) == 0);
  REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);
  const int client = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(::connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);

  const auto families = collect(*make_tcpstat_collector(Paths{}));
  CHECK(value_of(families, "node_tcp_connection_states", {{"state", "listen"}}) >= 1);
  CHECK(value_of(families, "node_tcp_connection_states", {{"state", "established"}}) >= 2);
  // sock_diag reports a listener's backlog limit as its send queue (/proc/net/tcp says 0).
  CHECK(value_of(families, "node_tcp_connection_states", {{"state", "tx_queued_bytes"}}) >= 7);
  ::close(client);
  ::close(listener);
}
