// planner::fleet_with_imports (planner/fleet_source.h): `sahab-planner plan --import` applies the
// files with the collector's own readers, matching and merge (api/offline_import.h).
#include <filesystem>

#include "collector/api/offline_import.h"
#include "common/file.h"
#include "planner/fleet_source.h"

namespace sahab::planner {

Fleet fleet_with_imports(const std::optional<Fleet>& fleet, const std::vector<std::string>& files,
                         const std::string& format, std::vector<ImportReport>& reports) {
  collector::OfflineImport imports(fleet ? fleet_to_json(*fleet) : nlohmann::json());
  const auto named = format.empty() ? std::nullopt : std::optional<std::string>(format);
  for (const auto& file : files) {
    std::error_code ec;
    const auto size = std::filesystem::file_size(file, ec);
    if (ec) throw FleetSourceError("--import " + file + ": " + ec.message());
    // The collector's import cap is 64 MiB; a laptop may take the fleet file's.
    if (size > protocol::kMaxFleetFileBytes) {
      throw FleetSourceError("--import " + file + ": larger than " +
                             std::to_string(protocol::kMaxFleetFileBytes >> 20) + " MiB");
    }
    collector::OfflineImport::Outcome outcome;
    try {
      outcome = imports.add(read_file(file), named);
    } catch (const std::invalid_argument& e) {
      throw FleetSourceError("--import " + file + ": " + e.what());
    }
    const auto& c = outcome.counts;
    reports.push_back({file, outcome.format, c.created, c.updated, c.unchanged, c.skipped, c.failed,
                       std::move(outcome.problems)});
  }
  return fleet_from_json(imports.document());
}

}  // namespace sahab::planner
