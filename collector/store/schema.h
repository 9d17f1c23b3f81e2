#pragma once
// The store's schema as an ordered list of migrations; PRAGMA user_version records how many ran.
#include "collector/store/sqlite.h"

namespace sahab::collector {

// Number of migrations this build knows; a database with a higher user_version is refused.
int schema_version();

// The number of migrations that ran on `db` (0: not a collector database yet).
int applied_schema_version(Database& db);

// Runs the missing migrations, each in its own transaction. Throws StoreError.
void migrate(Database& db);

}  // namespace sahab::collector
