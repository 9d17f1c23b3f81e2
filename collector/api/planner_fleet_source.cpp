// planner::fleet_from_database (planner/fleet_source.h): `sahab-planner plan --db` reads the fleet
// with the collector's own fleet reader.
#include <chrono>
#include <filesystem>

#include "collector/api/fleet_export.h"
#include "collector/store/schema.h"
#include "collector/store/sqlite.h"
#include "planner/fleet_source.h"

namespace sahab::planner {

Fleet fleet_from_database(const std::string& file, std::int64_t window_seconds) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec))
    throw FleetSourceError(file + ": no such database file");
  try {
    collector::SqliteDatabase db(file, collector::Database::Mode::kReadOnly);
    const auto version = collector::applied_schema_version(db);
    if (version == 0) throw FleetSourceError(file + ": not a Sahab collector database (no schema)");
    if (version > collector::schema_version()) {
      throw FleetSourceError(file + ": database schema version " + std::to_string(version) +
                             " is newer than this planner reads (" +
                             std::to_string(collector::schema_version()) +
                             "); upgrade sahab-planner");
    }
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const auto window = collector::fleet_window(collector::CollectorConfig{}, now, window_seconds);
    return collector::planner_fleet(db, window);
  } catch (const collector::StoreError& e) {
    throw FleetSourceError(file + ": cannot read the collector database: " + e.what());
  }
}

}  // namespace sahab::planner
