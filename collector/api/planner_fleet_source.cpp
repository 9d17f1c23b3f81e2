// planner::fleet_from_store (planner/fleet_source.h): `sahab-planner plan --store / --db` reads
// the fleet with the collector's own fleet reader, on either engine.
#include <chrono>
#include <filesystem>
#include <stdexcept>

#include "collector/api/fleet_export.h"
#include "collector/store/database.h"
#include "collector/store/schema.h"
#include "planner/fleet_source.h"

namespace sahab::planner {
namespace {

collector::StoreUrl parsed(const std::string& store_url) {
  try {
    return collector::StoreUrl::parse(store_url);
  } catch (const std::invalid_argument& e) {
    throw FleetSourceError(e.what());
  }
}

void check_schema(collector::Database& db, const std::string& where) {
  const auto version = collector::applied_schema_version(db);
  if (version == 0) throw FleetSourceError(where + ": not a Sahab collector database (no schema)");
  if (version > collector::schema_version()) {
    throw FleetSourceError(where + ": database schema version " + std::to_string(version) +
                           " is newer than this planner reads (" +
                           std::to_string(collector::schema_version()) +
                           "); upgrade sahab-planner");
  }
}

}  // namespace

Fleet fleet_from_store(const std::string& store_url, std::int64_t window_seconds) {
  const collector::StoreUrl url = parsed(store_url);
  // The URL as it may be shown: a PostgreSQL password never is; a file as the user gave it.
  const std::string where =
      url.kind == collector::StoreKind::kSqlite ? url.file.string() : url.redacted();
  std::error_code ec;
  if (url.kind == collector::StoreKind::kSqlite && !std::filesystem::is_regular_file(url.file, ec))
    throw FleetSourceError(where + ": no such database file");
  try {
    const auto db = collector::open_database(url, collector::Database::Mode::kReadOnly);
    check_schema(*db, where);
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    const auto window = collector::fleet_window(collector::CollectorConfig{}, now, window_seconds);
    return collector::planner_fleet(*db, window);
  } catch (const collector::StoreError& e) {
    throw FleetSourceError(where + ": cannot read the collector database: " + e.what());
  }
}

}  // namespace sahab::planner
