#include "collector/api/import_decide.h"

#include <map>

#include "collector/ingest/document.h"
#include "common/bounded_json.h"

namespace sahab::collector {
namespace {
using nlohmann::json;

json parsed_or(const std::optional<std::string>& text, const json& otherwise) {
  return text ? bounded_json::parse_stored_or(*text, "imported host", otherwise) : otherwise;
}

// An imported host's stored document as the import wrote it (id, hostname, labels, fields).
json imported_document(const StoredHost& stored) {
  json out = parsed_or(stored.imported_json, json::object());
  out["id"] = stored.id;
  out["hostname"] = stored.hostname;
  out["labels"] = bounded_json::parse_stored_or(stored.labels_json, "host labels", json::object());
  return out;
}

// update when the import changes the stored document, else unchanged (nothing kept to write).
void settle(ImportDecision& d, const json& stored, json host) {
  d.document = import::merged_host(stored, host);
  d.action = d.document == stored ? "unchanged" : "update";
  if (d.action == "unchanged") {
    d.document = nullptr;
    d.prior.reset();
  }
}

// What the row becomes over the stored host it matched: agent data wins (its own columns are
// never written; the import fills in what the agent lacks), else the import's values replace
// the stored ones.
void decide_matched(const KnownHosts& known, json host, ImportDecision& d) {
  d.prior = known.find(d.target);
  if (!d.prior) {  // matched in this import's snapshot, gone since: impossible in one transaction
    d.target = host["id"].get<std::string>();
    d.action = "create";
    return;
  }
  // Labels as the store keeps them (text), so that the same file compares equal.
  host["labels"] = parse_labels(host.value("labels", json::object()), "labels");
  if (d.prior->source == "agent") {
    if (d.match->rule == "id") {
      d.action = "skip";
      d.error = "host reports through an agent; not replaced";
      return;
    }
    host.erase("id");
    host.erase("hostname");
    settle(d, parsed_or(d.prior->imported_json, json()), std::move(host));
    return;
  }
  host["id"] = d.target;
  settle(d, imported_document(*d.prior), std::move(host));
}

}  // namespace

std::vector<ImportDecision> decide_import(KnownHosts known, const ImportPlan& plan) {
  const import::HostDirectory directory(std::move(known.identities));
  std::map<std::string, std::size_t> claimed;  // target id -> row
  std::vector<ImportDecision> out;
  for (const auto& row : plan.hosts) {
    ImportDecision& d = out.emplace_back();
    d.match = directory.match(row.host);
    d.target = d.match ? d.match->id : row.host["id"].get<std::string>();
    if (const auto [it, added] = claimed.emplace(d.target, row.row); !added) {
      d.error = "same server as row " + std::to_string(it->second) + " (host '" + d.target + "'" +
                (d.match ? ", " + d.match->rule : "") + ")";
      continue;
    }
    if (!d.match) {
      d.action = "create";
      continue;
    }
    decide_matched(known, row.host, d);
  }
  return out;
}

ImportCounts count_import(const ImportPlan& plan, const std::vector<ImportDecision>& decisions) {
  ImportCounts c;
  c.failed = static_cast<std::int64_t>(plan.errors.size());
  for (const auto& d : decisions) {
    if (d.action == "create") ++c.created;
    if (d.action == "update") ++c.updated;
    if (d.action == "unchanged") ++c.unchanged;
    if (d.action == "skip") ++c.skipped;
    if (d.action.empty()) ++c.failed;
  }
  return c;
}

}  // namespace sahab::collector
