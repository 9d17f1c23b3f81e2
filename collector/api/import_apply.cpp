#include "collector/api/import_apply.h"

namespace sahab::collector {

AppliedImport apply_import_plan(Database& db, const ImportPlan& plan, std::int64_t now,
                                bool dry_run) {
  AppliedImport out;
  for (const auto& row : plan.hosts) {
    auto change = imported_host_change(db, row.host);
    std::optional<HostMatch> match;
    if (change == ImportedHostChange::kCreated) {
      const auto& labels = row.host.value("labels", nlohmann::json::object());
      match = agent_with_uuid(db, labels.value("vmware.uuid", ""));
      if (!match) match = host_named(db, row.host["id"], row.host.value("hostname", ""));
    }
    // A server an agent already reports: the agent's data wins.
    if (match && match->source == "agent") change = ImportedHostChange::kAgentHost;
    const bool write =
        change == ImportedHostChange::kCreated || change == ImportedHostChange::kUpdated;
    if (write && !dry_run) out.written += upsert_imported_host(db, row.host, now);
    out.changes.push_back(change);
    out.matches.push_back(std::move(match));
  }
  return out;
}

}  // namespace sahab::collector
