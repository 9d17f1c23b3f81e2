#pragma once
// Network dependencies: listening sockets and established TCP connections from the system's socket
// tables (Linux: /proc/net/tcp{,6} and udp{,6}, connections_linux.cpp; Windows:
// GetExtendedTcpTable/UdpTable, connections_windows.cpp), aggregated into edges and deduplicated
// across samples: the same edges on both.
//
// An edge is inbound when its local port is a listening TCP port, outbound otherwise. The
// ephemeral side's port carries no dependency information and would make every client connection
// a new edge, so it is reported as 0: an inbound edge is (local address, local port, remote
// address), an outbound edge is (local address, remote address, remote port). `count` is the
// number of distinct connections (4-tuples) seen for the edge since the tracker was last reset.
#include <cstdint>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "agent/inventory/parsers.h"
#include "agent/inventory/processes.h"
#include "agent/metrics/collector.h"

namespace sahab::agent::inventory {

class ConnectionTracker {
 public:
  static constexpr std::size_t kMaxEdges = 4096;
  static constexpr std::size_t kMaxRememberedConnections = 65'536;
  static constexpr std::size_t kMaxEstablished = 256;

  explicit ConnectionTracker(Paths paths) : paths_(std::move(paths)) {}

  // A socket of one table ("tcp" or "udp") and its entry. On Windows, whose tables name the
  // owning process rather than a socket inode, `inode` holds the owner's PID.
  using TableRow = std::pair<std::string, SocketEntry>;

  // Reads the socket tables once. `processes` names socket owners; when null and a connection's
  // owner is unknown, the tracker scans /proc/<pid>/fd itself (only then, to stay cheap).
  void observe(const ProcessScan* processes, Problems& problems);

  // One reading of the tables made elsewhere (Windows' reader, tests): `owners` names the
  // processes by the rows' `inode`.
  void observe_rows(const std::vector<TableRow>& rows, std::map<std::uint64_t, std::string> owners);

  // [{"protocol", "address", "port", "process"}] as of the last observation, sorted.
  nlohmann::json listening() const;
  // [{"direction", "local_address", "local_port", "remote_address", "remote_port", "process",
  //   "count"}] sorted; "edges_dropped" is reported by the network section when kMaxEdges is hit.
  nlohmann::json edges() const;
  std::size_t edges_dropped() const;
  // The established TCP connections of the last observation with both ports, as `ss -tnp` shows
  // them (at most kMaxEstablished), sorted: the raw material of the edges, for people checking.
  nlohmann::json established() const;
  // Forgets the edges (after they were shipped); listening sockets stay.
  void reset();

 private:
  struct EdgeKey {
    std::string direction, local_address;
    std::uint16_t local_port;
    std::string remote_address;
    std::uint16_t remote_port;
    auto operator<=>(const EdgeKey&) const = default;
  };
  struct Edge {
    std::string process;
    std::uint64_t count = 0;
  };
  struct Listener {
    std::string protocol, address;
    std::uint16_t port;
    std::uint64_t inode;
  };

  void take_sockets(const std::vector<TableRow>& rows);
  void record(const SocketEntry& entry, const std::set<std::uint16_t>& listening_ports);

  Paths paths_;
  mutable std::mutex mutex_;
  std::vector<Listener> listeners_;
  std::vector<SocketEntry> established_;
  std::map<std::uint64_t, std::string> owners_;  // socket inode -> process, from the last scan
  std::set<std::uint64_t> looked_up_;            // inodes whose owner was searched for
  std::map<EdgeKey, Edge> edges_;
  std::set<std::tuple<std::string, std::uint16_t, std::string, std::uint16_t, std::uint64_t>> seen_;
  std::size_t dropped_ = 0;
};

}  // namespace sahab::agent::inventory
