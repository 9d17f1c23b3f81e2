#pragma once
// Writing an import plan's hosts: the one path every importer's hosts take into the fleet (the
// file imports of POST /api/v1/import and the discovery runs of the sources), so that matching an
// agent host, the "agent's data wins" rule and the stored form are the same for all of them.
#include <cstdint>
#include <optional>
#include <vector>

#include "collector/api/fleet_import.h"
#include "collector/store/imports.h"
#include "collector/store/sqlite.h"

namespace sahab::collector {

struct AppliedImport {
  std::vector<ImportedHostChange> changes;        // per host of the plan, in its order
  std::vector<std::optional<HostMatch>> matches;  // the other host it is the same server as
  std::size_t written = 0;
};

// Decides for each host what writing it does: created, updated, unchanged, or skipped because an
// agent reports the same server (same id, same name, or - for a VMware VM, by its "vmware.uuid"
// label - the SMBIOS UUID the agent took as its id); writes the created and updated ones unless
// `dry_run`. Connections and the audit are the caller's.
AppliedImport apply_import_plan(Database& db, const ImportPlan& plan, std::int64_t now,
                                bool dry_run);

}  // namespace sahab::collector
