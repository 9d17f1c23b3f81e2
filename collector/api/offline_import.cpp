#include "collector/api/offline_import.h"

#include <algorithm>
#include <ctime>

#include "collector/api/import_formats.h"
#include "collector/ingest/document.h"
#include "common/timestamp.h"

namespace sahab::collector {
namespace {
using nlohmann::json;

// A host as the store keeps an imported one: its labels as text values (store/imports.cpp).
json stored_form(json host) {
  host["labels"] = parse_labels(host.value("labels", json::object()), "labels");
  return host;
}

bool agent_measured(const json& host) {
  return host.contains("utilisation") && host["utilisation"].value("source", "") == "agent";
}

// The same declared connection (its ends and port) is one edge, the later figures winning.
bool same_edge(const json& a, const json& b) {
  return a["source"] == b["source"] && a["target"] == b["target"] && a["port"] == b["port"];
}

}  // namespace

OfflineImport::OfflineImport(const json& fleet)
    : generated_at_(fleet.is_null() ? format_rfc3339(std::time(nullptr))
                                    : fleet.value("generated_at", "")) {
  if (fleet.is_null()) return;
  for (const auto& host : fleet.value("hosts", json::array())) {
    const bool agent = agent_measured(host);
    hosts_[host["id"].get<std::string>()] =
        Known{agent ? "agent" : "import", agent ? host : stored_form(host), nullptr};
  }
  connections_ = fleet.value("connections", json::array());
}

// The fleet's hosts as the collector's database would hold them after the same imports.
KnownHosts OfflineImport::known() const {
  KnownHosts known;
  for (const auto& [id, h] : hosts_) {
    known.identities.push_back({id,
                                h.source,
                                h.own.value("hostname", ""),
                                h.own.value("labels", json::object()).dump(),
                                "",
                                {}});
  }
  known.find = [this](const std::string& id) -> std::optional<StoredHost> {
    const auto it = hosts_.find(id);
    if (it == hosts_.end()) return std::nullopt;
    const Known& h = it->second;
    StoredHost stored{id, h.source, h.own.value("hostname", ""),
                      h.own.value("labels", json::object()).dump(), std::nullopt};
    if (h.source == "import") {
      json rest = h.own;
      for (const char* key : {"id", "hostname", "labels"}) rest.erase(key);
      stored.imported_json = rest.dump();
    } else if (!h.fill.is_null()) {
      stored.imported_json = h.fill.dump();
    }
    return stored;
  };
  return known;
}

// What write_import (import_apply.h) writes, into the hosts and connections held here.
void OfflineImport::apply(const ImportPlan& plan, const std::vector<ImportDecision>& decisions) {
  std::map<std::string, std::string> renamed;
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    const ImportDecision& d = decisions[i];
    renamed[plan.hosts[i].host["id"].get<std::string>()] = d.target;
    if (d.action == "create") {
      hosts_[d.target] = Known{"import", stored_form(plan.hosts[i].host), nullptr};
    } else if (d.action == "update" && d.prior->source == "agent") {
      hosts_[d.target].fill = d.document;
    } else if (d.action == "update") {
      hosts_[d.target].own = stored_form(d.document);
    }
  }
  for (json c : plan.connections) {
    for (const char* end : {"source", "target"}) {
      if (const auto it = renamed.find(c[end].get<std::string>()); it != renamed.end())
        c[end] = it->second;
    }
    auto& list = connections_;
    const auto same = std::find_if(list.begin(), list.end(),
                                   [&c](const json& known) { return same_edge(known, c); });
    if (same == list.end()) {
      list.push_back(std::move(c));
    } else {
      *same = std::move(c);
    }
  }
}

OfflineImport::Outcome OfflineImport::add(std::string_view file,
                                          const std::optional<std::string>& format) {
  const ImportPlan plan = plan_import(file, format);
  const auto decisions = decide_import(known(), plan);
  apply(plan, decisions);
  Outcome out{plan.format, count_import(plan, decisions), {}};
  for (const auto& e : plan.errors)
    out.problems.push_back("row " + std::to_string(e.row) + ": " + e.message);
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    if (!decisions[i].error.empty())
      out.problems.push_back("row " + std::to_string(plan.hosts[i].row) + ": " +
                             decisions[i].error);
  }
  out.problems.insert(out.problems.end(), plan.warnings.begin(), plan.warnings.end());
  return out;
}

json OfflineImport::document() const {
  json hosts = json::array();
  for (const auto& [id, h] : hosts_) {
    if (h.source == "import" || !h.fill.is_object()) {
      hosts.push_back(h.own);
      continue;
    }
    // The collector's export of an agent host: what imports filled in, the agent's data over it
    // (its labels over the import's, label by label).
    json host = h.fill;
    json labels = h.fill.value("labels", json::object());
    labels.update(h.own.value("labels", json::object()));
    host.update(h.own);
    host["labels"] = std::move(labels);
    hosts.push_back(std::move(host));
  }
  return {{"format", "sahab-fleet/1"},
          {"generated_at", generated_at_},
          {"hosts", std::move(hosts)},
          {"connections", connections_}};
}

}  // namespace sahab::collector
