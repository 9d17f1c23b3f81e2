#pragma once
// Where `sahab-planner plan` gets its fleet besides a sahab-fleet/1 file: a collector's store
// (`--store`, `--db`) and the files other tools export (`--import`). The planner states what it
// needs here; the collector, which owns the database, the import readers and how either becomes a
// fleet, supplies the definitions (collector/api/planner_fleet_source.cpp,
// planner_import_source.cpp, linked into the sahab-planner binary only). So no planner file depends
// on collector code.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "planner/fleet.h"

namespace sahab::planner {

// A store the planner cannot read: a bad URL, missing, out of reach, not a collector's, or of a
// newer schema. The message is for the user (exit code 2).
class FleetSourceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The fleet in the collector's store at `store_url` (as the collector's --store takes it:
// sqlite:///path/to/sahab.db or postgresql://…; `--db FILE` is sqlite://FILE), with utilisation
// over the last `window_seconds`, read over a read-only connection (the collector may keep
// writing meanwhile). Throws FleetSourceError (a bad URL, a server out of reach, not a
// collector's store), or FleetError when the fleet itself is invalid.
Fleet fleet_from_store(const std::string& store_url, std::int64_t window_seconds);

// What one `--import` file was read as and what it did, as the collector's import answers it.
struct ImportReport {
  std::string file, format;  // format: "rvtools 4.7.1.4", "azure-migrate", ...
  std::int64_t created = 0, updated = 0, unchanged = 0, skipped = 0, failed = 0;
  std::vector<std::string> problems;  // each bad row ("row 3: ...") and the file's warnings
};

// `fleet` (nullopt: none) with `files` applied in order as the collector's import applies them
// (docs/imports.md: the same readers, matching and merge), each read as `format` ("": detected
// from its content); one report per file in `reports`. Throws FleetSourceError naming a file
// that cannot be read as a whole, FleetError when the fleet that results is invalid.
Fleet fleet_with_imports(const std::optional<Fleet>& fleet, const std::vector<std::string>& files,
                         const std::string& format, std::vector<ImportReport>& reports);

}  // namespace sahab::planner
