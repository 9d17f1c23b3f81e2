// Fuzzes the dpkg status parser (and upstream_version on every version it yields).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/inventory/parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view content(reinterpret_cast<const char*>(data), size);
  sahab::agent::inventory::Problems problems;
  for (const auto& package : sahab::agent::inventory::parse_dpkg_status(content, problems)) {
    if (package.name.empty() || package.status == "not-installed") __builtin_trap();
    (void)sahab::agent::inventory::upstream_version(package.version);
  }
  if (problems.messages().size() > sahab::agent::inventory::Problems::kMax) __builtin_trap();
  return 0;
}
