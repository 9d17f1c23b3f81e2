// Fuzzes the sahab-fleet/1 reader (common/protocol) (a SAX handler over the whole document): any
// bytes through fleet_from_text. FleetError is the expected refusal; any other exception, a crash
// or a sanitizer report is a finding. A fleet it accepts must write out and read back the same.
#include <cstddef>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>

#include "common/protocol/fleet.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::optional<sahab::protocol::Fleet> fleet;
  try {
    fleet = sahab::protocol::fleet_from_text(text);
  } catch (const sahab::protocol::FleetError&) {
    return 0;
  }
  // Outside the try: a fleet that does not read back (a FleetError here) is a finding.
  const auto again = sahab::protocol::fleet_from_json(sahab::protocol::fleet_to_json(*fleet));
  if (again.hosts.size() != fleet->hosts.size() ||
      again.connections.size() != fleet->connections.size()) {
    __builtin_trap();
  }
  return 0;
}
