// Fuzzes the os-release parser (and the cpuinfo parser, which reads the same kind of text).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "agent/inventory/parsers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view content(reinterpret_cast<const char*>(data), size);
  sahab::agent::inventory::Problems problems;
  for (const auto& [key, value] : sahab::agent::inventory::parse_os_release(content, problems)) {
    if (key.empty() || value.size() > 4096) __builtin_trap();
  }
  const auto cpu = sahab::agent::inventory::parse_cpuinfo(content, problems);
  if (cpu.threads < 0 || cpu.cores < 0) __builtin_trap();
  return 0;
}
