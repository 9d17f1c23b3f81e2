#pragma once
// Where `sahab-planner plan` gets its fleet besides a sahab-fleet/1 file: a collector's database
// (`--db`). The planner states what it needs here; the collector, which owns the database and
// how the fleet is read from it, supplies the definition (collector/api/planner_fleet_source.cpp,
// linked into the sahab-planner binary only). So no planner file depends on collector code.
#include <cstdint>
#include <stdexcept>
#include <string>

#include "planner/fleet.h"

namespace sahab::planner {

// A database the planner cannot read: missing, not a collector's, or of a newer schema. The
// message is for the user (exit code 2).
class FleetSourceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The fleet in the collector database `file`, with utilisation over the last `window_seconds`,
// read over a read-only connection (WAL lets the collector keep writing meanwhile). Throws
// FleetSourceError, or FleetError when the fleet itself is invalid.
Fleet fleet_from_database(const std::string& file, std::int64_t window_seconds);

}  // namespace sahab::planner
