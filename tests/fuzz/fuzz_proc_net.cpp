// Fuzzes the /proc/net/{tcp,tcp6,udp,udp6} parser: any bytes, read both as IPv4 and IPv6 tables.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/inventory/parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view content(reinterpret_cast<const char*>(data), size);
  for (bool ipv6 : {false, true}) {
    sahab::agent::inventory::Problems problems;
    for (const auto& socket : sahab::agent::inventory::parse_proc_net(content, ipv6, problems)) {
      if (socket.local_address.empty() || socket.state < 0 || socket.state > 255) __builtin_trap();
    }
  }
  return 0;
}
