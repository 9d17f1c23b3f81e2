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
#include "collector/api/import_decide.h"
#include "collector/store/database.h"
#include "collector/store/import_history.h"
#include "collector/store/imports.h"

namespace sahab::collector {

// decide_import (import_decide.h) against the hosts stored before the import.
std::vector<ImportDecision> decide_import(Database& db, const ImportPlan& plan);

// Writes the created and updated hosts and the declared connections (their ends renamed to
// the hosts they matched), records the import with what each host was before (its id returned)
// and audits it.
std::int64_t write_import(Database& db, const ImportPlan& plan,
                          const std::vector<ImportDecision>& decisions, ImportEntry entry);

}  // namespace sahab::collector
