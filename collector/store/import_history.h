#pragma once
// The history of imports (not previews): each import with its counts, and per host it created
// or updated, the host's columns before it, so that the import can be rolled back.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "collector/store/database.h"
#include "collector/store/imports.h"

namespace sahab::collector {

struct ImportCounts {
  std::int64_t created = 0, updated = 0, unchanged = 0, skipped = 0, failed = 0;
};

struct ImportEntry {
  std::int64_t id = 0;
  std::int64_t at = 0;
  std::string actor, file_name, sha256, format;
  ImportCounts counts;
  std::optional<std::int64_t> rolled_back_at;
  std::string rolled_back_by;
};

// Records an import (its id is ignored) and returns its id.
std::int64_t record_import(Database& db, const ImportEntry& entry);
// Host `host_id` was created (no `prior`) or updated (`prior`: the host before) by the import.
void record_import_change(Database& db, std::int64_t import_id, const std::string& host_id,
                          const std::optional<StoredHost>& prior);

// Most recent first.
std::vector<ImportEntry> list_imports(Database& db, std::int64_t limit);
std::optional<ImportEntry> find_import(Database& db, std::int64_t id);
struct ImportChange {
  std::string host_id, action;  // "create" or "update"
};
std::vector<ImportChange> import_changes(Database& db, std::int64_t id);

struct Rollback {
  enum class Outcome { kDone, kNotFound, kAlreadyRolledBack, kConflict };
  Outcome outcome = Outcome::kDone;
  // kConflict: the hosts a later import changed since, or that an agent now reports.
  std::vector<std::string> hosts;
  std::int64_t removed = 0, restored = 0;
};
// Removes the hosts the import created (with their declared connections) and gives the hosts it
// updated their columns from before; refuses, changing nothing, when a later import (not rolled
// back) changed one of them since or an agent took a host it created.
Rollback rollback_import(Database& db, std::int64_t id, const std::string& actor, std::int64_t now);

}  // namespace sahab::collector
