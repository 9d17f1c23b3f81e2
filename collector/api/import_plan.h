#pragma once
// What every import reader does with the hosts it reads: checks each as the fleet's reader would,
// refuses a second host with the same id, and records where each came from (the label
// "import.source", e.g. "rvtools 4.7.1.4, vInfo row 12"), so that one bad row never blocks the
// good ones and every stored value can be traced back to its file, sheet and row.
#include <functional>
#include <map>
#include <string>
#include <string_view>

#include "collector/api/fleet_import.h"
#include "common/protocol/fleet.h"

namespace sahab::collector::import {

inline constexpr const char* kSourceLabel = "import.source";
// The server's SMBIOS (BIOS) UUID as the source wrote it: a server known to two sources is one
// host when their UUIDs agree (import_match.h).
inline constexpr const char* kUuidLabel = "import.uuid";

class PlanBuilder {
 public:
  // `format` starts every host's source: "rvtools 4.7.1.4", "azure-migrate", "ocs-inventory".
  explicit PlanBuilder(std::string format) : format_(std::move(format)) {}

  // Adds the host `make` reads from row `row` (`where` says where it is: "vInfo row 12"; `name`
  // identifies it in an error). A std::invalid_argument from `make` or from the checks becomes
  // the row's error.
  void add(std::size_t row, const std::string& where, std::string_view name,
           const std::function<protocol::Host()>& make);
  // A problem with a row that gives no host (a disk row with a bad number, ...).
  void error(std::size_t row, std::string_view name, std::string message);
  // Something the reader assumed or left out that the user should know (per file, not per row).
  void warn(std::string message) { plan_.warnings.push_back(std::move(message)); }

  const std::string& format() const { return format_; }
  ImportPlan take() {
    plan_.format = format_;
    return std::move(plan_);
  }

 private:
  std::string format_;
  ImportPlan plan_;
  std::map<std::string, std::string> seen_;  // host id -> where it was read
};

}  // namespace sahab::collector::import
