#include "collector/api/import_apply.h"

#include <map>

#include "collector/store/agents.h"

namespace sahab::collector {

std::vector<ImportDecision> decide_import(Database& db, const ImportPlan& plan) {
  return decide_import(KnownHosts{stored_identities(db),
                                  [&db](const std::string& id) { return stored_host(db, id); }},
                       plan);
}

std::int64_t write_import(Database& db, const ImportPlan& plan,
                          const std::vector<ImportDecision>& decisions, ImportEntry entry) {
  const auto id = record_import(db, entry);
  std::map<std::string, std::string> renamed;
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    const ImportDecision& d = decisions[i];
    renamed[plan.hosts[i].host["id"].get<std::string>()] = d.target;
    if (d.action != "create" && d.action != "update") continue;
    if (d.action == "create") {
      upsert_imported_host(db, plan.hosts[i].host, entry.at);
    } else if (d.prior->source == "agent") {
      set_agent_fill_in(db, d.target, d.document);
    } else {
      upsert_imported_host(db, d.document, entry.at);
    }
    record_import_change(db, id, d.target, d.action == "update" ? d.prior : std::nullopt);
  }
  for (nlohmann::json c : plan.connections) {
    for (const char* end : {"source", "target"}) {
      if (const auto it = renamed.find(c[end].get<std::string>()); it != renamed.end())
        c[end] = it->second;
    }
    upsert_declared_edge(db, c, entry.at);
  }
  audit(db, entry.at, "import", std::nullopt, "", entry.actor,
        "import " + std::to_string(id) + " (" + entry.format +
            "): " + std::to_string(entry.counts.created) + " created, " +
            std::to_string(entry.counts.updated) + " updated");
  return id;
}

}  // namespace sahab::collector
