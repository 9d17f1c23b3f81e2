#pragma once
// The store's schema as an ordered list of migrations, the same on SQLite and PostgreSQL (their
// DDL translated by Dialect::ddl); PRAGMA user_version or the schema_version table records how
// many ran.
#include "collector/store/database.h"

namespace sahab::collector {

// Number of migrations this build knows; a database with a higher version is refused.
int schema_version();

// The number of migrations that ran on `db` (0: not a collector database yet).
int applied_schema_version(Database& db);

// Runs the missing migrations up to `target` (all by default; tests make databases of an older
// schema with a smaller one), each in its own transaction. Throws StoreError.
void migrate(Database& db, int target);
inline void migrate(Database& db) { migrate(db, schema_version()); }

}  // namespace sahab::collector
