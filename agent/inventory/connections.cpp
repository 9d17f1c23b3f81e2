#include "agent/inventory/connections.h"

#include "agent/inventory/inventory.h"
#include "common/protocol/inventory.h"

namespace sahab::agent::inventory {
namespace {

// "::ffff:10.0.0.1" (an IPv4 peer of a dual-stack socket) is the IPv4 address 10.0.0.1.
std::string normalised(const std::string& address) {
  return address.starts_with("::ffff:") && address.find('.') != std::string::npos
             ? address.substr(7)
             : address;
}

std::string owner_of(std::uint64_t inode, const std::map<std::uint64_t, std::string>& owners) {
  const auto it = owners.find(inode);
  return it == owners.end() ? "" : it->second;
}

}  // namespace

void ConnectionTracker::observe_rows(const std::vector<TableRow>& rows,
                                     std::map<std::uint64_t, std::string> owners) {
  std::lock_guard lock(mutex_);
  owners_ = std::move(owners);
  take_sockets(rows);
}

// Rebuilds the listening list and records the established connections of one reading of the
// tables; owners_ already names the sockets' processes. Called with mutex_ held.
void ConnectionTracker::take_sockets(const std::vector<TableRow>& all) {
  listeners_.clear();
  std::set<std::uint16_t> listening_ports;
  for (const auto& [protocol, e] : all) {
    const bool listens = protocol == "tcp" ? e.state == kTcpListen
                                           : e.state == kUdpUnconnected && e.remote_port == 0;
    if (!listens) continue;
    listeners_.push_back({protocol, normalised(e.local_address), e.local_port, e.inode});
    if (protocol == "tcp") listening_ports.insert(e.local_port);
  }
  established_.clear();
  for (const auto& [protocol, e] : all) {
    if (protocol != "tcp" || e.state != kTcpEstablished) continue;
    record(e, listening_ports);
    if (established_.size() < kMaxEstablished) established_.push_back(e);
  }
}

void ConnectionTracker::record(const SocketEntry& e,
                               const std::set<std::uint16_t>& listening_ports) {
  const auto local = normalised(e.local_address);
  const auto remote = normalised(e.remote_address);
  if (seen_.size() >= kMaxRememberedConnections) seen_.clear();  // counts may then double-count
  if (!seen_.emplace(local, e.local_port, remote, e.remote_port, e.inode).second) return;
  const bool inbound = listening_ports.contains(e.local_port);
  EdgeKey key{inbound ? "inbound" : "outbound", local,
              static_cast<std::uint16_t>(inbound ? e.local_port : 0), remote,
              static_cast<std::uint16_t>(inbound ? 0 : e.remote_port)};
  auto it = edges_.find(key);
  if (it == edges_.end()) {
    if (edges_.size() >= kMaxEdges) {
      ++dropped_;
      return;
    }
    it = edges_.emplace(std::move(key), Edge{}).first;
  }
  ++it->second.count;
  if (it->second.process.empty()) it->second.process = owner_of(e.inode, owners_);
}

nlohmann::json ConnectionTracker::listening() const {
  std::lock_guard lock(mutex_);
  std::map<std::tuple<std::string, std::string, std::uint16_t>, std::string> unique;
  for (const auto& l : listeners_) {
    auto& process = unique[{l.protocol, l.address, l.port}];
    if (process.empty()) process = owner_of(l.inode, owners_);
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [key, process] : unique) {
    const auto& [protocol, address, port] = key;
    namespace f = protocol::inventory::listening;
    out.push_back({{f::kProtocol.name, protocol},
                   {f::kAddress.name, address},
                   {f::kPort.name, port},
                   {f::kProcess.name, process}});
  }
  return out;
}

nlohmann::json ConnectionTracker::edges() const {
  std::lock_guard lock(mutex_);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [key, edge] : edges_) {
    namespace f = protocol::inventory::connection;
    out.push_back({{f::kDirection.name, key.direction},
                   {f::kLocalAddress.name, key.local_address},
                   {f::kLocalPort.name, key.local_port},
                   {f::kRemoteAddress.name, key.remote_address},
                   {f::kRemotePort.name, key.remote_port},
                   {f::kProcess.name, edge.process},
                   {f::kCount.name, edge.count}});
  }
  return out;
}

nlohmann::json ConnectionTracker::established() const {
  std::lock_guard lock(mutex_);
  std::set<std::tuple<std::string, std::uint16_t, std::string, std::uint16_t, std::string>> rows;
  for (const auto& e : established_) {
    rows.emplace(normalised(e.local_address), e.local_port, normalised(e.remote_address),
                 e.remote_port, owner_of(e.inode, owners_));
  }
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [local, local_port, remote, remote_port, process] : rows) {
    namespace f = protocol::inventory::connection;
    out.push_back({{f::kLocalAddress.name, local},
                   {f::kLocalPort.name, local_port},
                   {f::kRemoteAddress.name, remote},
                   {f::kRemotePort.name, remote_port},
                   {f::kProcess.name, process}});
  }
  return out;
}

std::size_t ConnectionTracker::edges_dropped() const {
  std::lock_guard lock(mutex_);
  return dropped_;
}

void ConnectionTracker::reset() {
  std::lock_guard lock(mutex_);
  edges_.clear();
  seen_.clear();
  dropped_ = 0;
}

nlohmann::json collect_network(const Context&, ConnectionTracker& tracker,
                               const ProcessScan& processes, Problems& problems) {
  tracker.observe(&processes, problems);
  namespace f = protocol::inventory::network;
  nlohmann::json data;
  data[f::kListening.name] = tracker.listening();
  data[f::kConnections.name] = tracker.edges();
  data[f::kEstablished.name] = tracker.established();
  if (const auto dropped = tracker.edges_dropped()) data[f::kEdgesDropped.name] = dropped;
  data[f::kProcessOwnersVisible.name] = processes.unreadable_fd_dirs == 0;
  return data;
}

}  // namespace sahab::agent::inventory
