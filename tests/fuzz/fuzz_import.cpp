// Fuzzes POST /api/v1/import's readers: any bytes as a sahab-fleet/1 document and as a CSV file.
// std::invalid_argument (the whole document is unusable) is the expected refusal; another
// exception, a crash or a sanitizer report is a finding. Per-host problems are caught per row,
// so a library exception there (nlohmann's, std::stoul's) would hide as a row error: those
// messages are findings too. What is imported is stored as text, so it must dump.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "collector/api/fleet_import.h"

namespace {

void check(const sahab::collector::ImportPlan& plan) {
  for (const auto& row : plan.hosts) {
    sahab::collector::validate_fleet_host(row.host);  // accepted rows stay valid
    (void)row.host.dump();
  }
  for (const auto& c : plan.connections) (void)c.dump();
  for (const auto& e : plan.errors) {
    const std::string_view m = e.message;
    if (m.find("json.exception") != m.npos || m.starts_with("sto") ||
        m.find("basic_string") != m.npos || m.find("vector") != m.npos) {
      __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  try {
    check(sahab::collector::plan_fleet_import(body));
  } catch (const std::invalid_argument&) {
  }
  try {
    check(sahab::collector::plan_csv_import(body));
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
