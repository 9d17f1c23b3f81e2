// The Windows half of ConnectionTracker: GetExtendedTcpTable and GetExtendedUdpTable, IPv4 and
// IPv6, with the owning PID of each socket; the rows are mapped by windows_inventory.cpp and
// become edges in connections.cpp exactly as Linux's do.
#include <winsock2.h>
// iphlpapi.h needs winsock2.h first.
#include <iphlpapi.h>

#include "agent/inventory/connections.h"
#include "agent/inventory/windows_inventory.h"

namespace sahab::agent::inventory {
namespace {

// One table into a buffer grown to the size the API asks for (sockets may open in between:
// a few tries).
template <typename Get>
std::vector<unsigned char> read_table(Get&& get, const char* what, Problems& problems) {
  std::vector<unsigned char> buffer(64 * 1024);
  for (int attempt = 0; attempt < 4; ++attempt) {
    DWORD size = static_cast<DWORD>(buffer.size());
    const DWORD status = get(buffer.data(), &size);
    if (status == NO_ERROR) {
      buffer.resize(size);
      return buffer;
    }
    if (status != ERROR_INSUFFICIENT_BUFFER) {
      // No IPv6 stack (Wine) answers ERROR_NOT_SUPPORTED: nothing to report, not a problem.
      if (status != ERROR_NOT_SUPPORTED)
        problems.add(std::string(what) + ": error " + std::to_string(status));
      return {};
    }
    buffer.resize(size + 16 * 1024);
  }
  problems.add(std::string(what) + ": the table kept growing");
  return {};
}

std::vector<ConnectionTracker::TableRow> read_tables(Problems& problems) {
  std::vector<ConnectionTracker::TableRow> all;
  for (const ULONG family : {AF_INET, AF_INET6}) {
    const bool ipv6 = family == AF_INET6;
    const auto tcp = read_table(
        [&](void* table, DWORD* size) {
          return GetExtendedTcpTable(table, size, FALSE, family, TCP_TABLE_OWNER_PID_ALL, 0);
        },
        ipv6 ? "GetExtendedTcpTable(IPv6)" : "GetExtendedTcpTable", problems);
    for (auto& row : windows::parse_tcp_table(tcp, ipv6, problems)) all.push_back(std::move(row));
    const auto udp = read_table(
        [&](void* table, DWORD* size) {
          return GetExtendedUdpTable(table, size, FALSE, family, UDP_TABLE_OWNER_PID, 0);
        },
        ipv6 ? "GetExtendedUdpTable(IPv6)" : "GetExtendedUdpTable", problems);
    for (auto& row : windows::parse_udp_table(udp, ipv6, problems)) all.push_back(std::move(row));
  }
  return all;
}

}  // namespace

void ConnectionTracker::observe(const ProcessScan* processes, Problems& problems) {
  const auto rows = read_tables(problems);
  std::size_t unowned = 0;
  for (const auto& [protocol, e] : rows) unowned += e.inode == 0;
  // Wine reports PID 0 for every socket; Windows only for a few of the System's.
  if (unowned > 0 && unowned == rows.size())
    problems.add("no socket has an owning process (PID 0 for all " + std::to_string(unowned) +
                 "): process names unknown");
  observe_rows(rows,
               processes ? processes->socket_owner : scan_processes(paths_, true).socket_owner);
}

}  // namespace sahab::agent::inventory
