// Fuzzes POST /api/v1/import's RVTools reader: any bytes as an .xlsx workbook (zip by libzip, XML
// by expat). std::invalid_argument (the workbook is unusable) is the expected refusal; another
// exception, a crash or a sanitizer report is a finding, and so is a row error carrying a library
// exception's message. The seeds are stored (uncompressed) workbooks, so mutations reach the XML.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string_view>

#include "collector/api/rvtools_import.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  try {
    const auto plan = sahab::collector::plan_rvtools_import(body);
    for (const auto& row : plan.hosts) {
      sahab::collector::validate_fleet_host(row.host);  // accepted rows stay valid
      (void)row.host.dump();
    }
    for (const auto& e : plan.errors) {
      const std::string_view m = e.message;
      if (m.find("json.exception") != m.npos || m.starts_with("sto") ||
          m.find("basic_string") != m.npos || m.find("vector") != m.npos) {
        __builtin_trap();
      }
    }
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
