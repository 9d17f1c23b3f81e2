#pragma once
// What an import does with each host it read, against the hosts known before it
// (docs/imports.md#matching): create, update, unchanged, skip, or the row's error; the known host
// it matched and the rule; for an update, the document to write. It reads the known hosts
// through KnownHosts and writes nothing, so the collector (api/import_apply.h, over its
// database) and `sahab-planner plan --import` (api/offline_import.h, over a fleet file) decide
// alike.
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "collector/api/fleet_import.h"
#include "collector/api/import_match.h"
#include "collector/store/import_history.h"
#include "collector/store/imports.h"

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

// The hosts known before an import: what matching compares, and a known host's stored columns.
struct KnownHosts {
  std::vector<StoredIdentity> identities;
  std::function<std::optional<StoredHost>(const std::string& id)> find;
};

// One decision per host of the plan. A known host is matched by one row per import: a second row
// naming the same server is that row's error.
std::vector<ImportDecision> decide_import(KnownHosts known, const ImportPlan& plan);

ImportCounts count_import(const ImportPlan& plan, const std::vector<ImportDecision>& decisions);

}  // namespace sahab::collector
