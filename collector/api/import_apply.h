#pragma once
// Writing an import plan's hosts: the one path every importer's hosts take into the fleet (the
// files of POST /api/v1/import and the discovery runs of the sources), so that matching a stored
// host (api/import_match.h), the "agent's data wins" rule, the history that rollback reads and
// the stored form are the same for all of them.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "collector/api/fleet_import.h"
#include "collector/api/import_match.h"
#include "collector/store/import_history.h"
#include "collector/store/imports.h"
#include "collector/store/sqlite.h"

namespace sahab::collector {

// What an import does with one host it read.
struct ImportDecision {
  std::optional<import::Match> match;
  std::string target;  // the id written: the matched host's, else the row's
  std::string action;  // create, update, unchanged, skip; "" with an error
  std::string error;   // why the row is not imported, or why it is skipped
  // update: the host (or agent fill-in) as written. Null otherwise: a create writes the row's
  // host as read, so a 20,000-VM import holds no second copy of every host.
  nlohmann::json document;
  std::optional<StoredHost> prior;  // update: the host before
};

// One decision per host of the plan, against the hosts stored before the import. A stored host
// is matched by one row per import: a second row naming the same server is that row's error.
std::vector<ImportDecision> decide_import(Database& db, const ImportPlan& plan);

ImportCounts count_import(const ImportPlan& plan, const std::vector<ImportDecision>& decisions);

// Writes the created and updated hosts and the declared connections (their ends renamed to
// the hosts they matched), records the import with what each host was before (its id returned)
// and audits it.
std::int64_t write_import(Database& db, const ImportPlan& plan,
                          const std::vector<ImportDecision>& decisions, ImportEntry entry);

}  // namespace sahab::collector
