// Fuzzes POST /api/v1/import's readers: any bytes as a sahab-fleet/1 document, as a CSV file, as
// an RVTools workbook (zip by libzip, XML by expat), and as every format plan_import names
// (detected from the content, then each `?format=`: CSV dialects, zips of CSV files, OCS/GLPI XML
// and JSON inventories).
// std::invalid_argument (the whole document is unusable) is the expected refusal; another
// exception, a crash or a sanitizer report is a finding. Per-host problems are caught per row,
// so a library exception there (nlohmann's, std::stoul's) would hide as a row error: those
// messages are findings too. What is imported is stored as text, so it must dump.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "collector/api/fleet_import.h"
#include "collector/api/import_formats.h"
#include "collector/api/rvtools_import.h"

namespace {

void check(const sahab::collector::ImportPlan& plan) {
  for (const auto& row : plan.hosts) {
    sahab::collector::validate_fleet_host(row.host);  // accepted rows stay valid
    (void)row.host.dump();
  }
  for (const auto& c : plan.connections) (void)c.dump();
  for (const auto& e : plan.errors) {
    const std::string_view m = e.message;
    // A library's message is the whole message; ours may quote input holding these words.
    if (m.starts_with("[json.exception") || m.starts_with("sto") || m.starts_with("basic_string") ||
        m.starts_with("vector")) {
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
  try {
    check(sahab::collector::plan_rvtools_import(body));
  } catch (const std::invalid_argument&) {
  }
  for (const char* format :
       {"", "rvtools", "azure-migrate", "aws-discovery", "migration-center", "inventory"}) {
    try {
      check(sahab::collector::plan_import(
          body, *format ? std::optional<std::string>(format) : std::nullopt));
    } catch (const std::invalid_argument&) {
    }
  }
  return 0;
}
