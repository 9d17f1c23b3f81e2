// The Linux half of ConnectionTracker: the socket tables of /proc/net, whose sockets are named by
// inode, and their owners found through /proc/<pid>/fd (connections_windows.cpp is the Windows
// half).
#include "agent/inventory/connections.h"
#include "common/file.h"

namespace sahab::agent::inventory {
namespace {

std::vector<SocketEntry> read_table(const Paths& paths, const char* name, bool ipv6,
                                    Problems& problems) {
  const auto path = paths.proc(std::string("net/") + name);
  const auto content = try_read_file(path);
  if (!content) return {};  // no IPv6 or no UDP in this kernel: nothing to report
  Problems parse_problems;
  // Only listening, established and (UDP) unconnected sockets matter; TIME_WAIT ones abound.
  constexpr std::uint32_t kWanted =
      1u << kTcpEstablished | 1u << kTcpListen | 1u << kUdpUnconnected;
  auto entries = parse_proc_net(*content, ipv6, parse_problems, kWanted);
  for (const auto& m : parse_problems.messages()) problems.add(path.string() + ": " + m);
  return entries;
}

}  // namespace

void ConnectionTracker::observe(const ProcessScan* processes, Problems& problems) {
  std::vector<TableRow> all;
  for (const auto& [name, ipv6] : {std::pair{"tcp", false}, std::pair{"tcp6", true},
                                   std::pair{"udp", false}, std::pair{"udp6", true}}) {
    const std::string protocol = std::string(name).substr(0, 3);
    for (auto& entry : read_table(paths_, name, ipv6, problems)) {
      all.emplace_back(protocol, std::move(entry));
    }
  }
  std::lock_guard lock(mutex_);
  // Resolve owners only if a socket is new to us: scanning every /proc/<pid>/fd costs more than
  // reading the tables.
  // Sockets of other users' processes stay unknown without privileges: remember that they were
  // looked for, or every sample would rescan in vain.
  bool unknown_owner = false;
  for (const auto& [protocol, e] : all) {
    unknown_owner |= e.inode != 0 && !owners_.contains(e.inode) && !looked_up_.contains(e.inode);
  }
  if (processes) {
    owners_ = processes->socket_owner;
  } else if (unknown_owner) {
    owners_ = scan_processes(paths_, true).socket_owner;
  }
  if (processes || unknown_owner) {
    if (looked_up_.size() > kMaxRememberedConnections) looked_up_.clear();
    for (const auto& [protocol, e] : all) looked_up_.insert(e.inode);
  }
  take_sockets(all);
}

}  // namespace sahab::agent::inventory
