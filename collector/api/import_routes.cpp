// POST /api/v1/import, GET /api/v1/imports, GET /api/v1/imports/{id},
// POST /api/v1/imports/{id}/rollback (docs/imports.md, docs/api.md).
#include <map>

#include "collector/api/context.h"
#include "collector/api/fleet_import.h"
#include "collector/api/import_apply.h"
#include "collector/api/import_formats.h"
#include "collector/api/import_match.h"
#include "collector/api/import_plan.h"
#include "collector/api/router.h"
#include "collector/ingest/credentials.h"
#include "collector/ingest/decompress.h"
#include "collector/ingest/document.h"
#include "collector/store/agents.h"
#include "collector/store/import_history.h"
#include "collector/store/imports.h"
#include "common/bounded_json.h"
#include "common/log.h"
#include "common/text.h"
#include "common/timestamp.h"

namespace sahab::collector {
namespace {
using nlohmann::json;

constexpr std::size_t kMaxFileNameBytes = 255;
constexpr std::int64_t kHistoryLength = 200;

// The file's name: `?name=`, else Content-Disposition's filename; only its last path segment.
std::string file_name(const http::Request& request) {
  std::string name = request.query_param("name").value_or("");
  if (name.empty()) {
    const std::string disposition = request.header("content-disposition").value_or("");
    if (const auto at = disposition.find("filename="); at != std::string::npos) {
      name = disposition.substr(at + 9);
      name = name.substr(0, name.find(';'));
      if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
        name = name.substr(1, name.size() - 2);
    }
  }
  if (const auto slash = name.find_last_of("/\\"); slash != std::string::npos)
    name = name.substr(slash + 1);
  // Control characters would garble logs and the history table.
  std::erase_if(name, [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  return std::string(text::trim(name)).substr(0, kMaxFileNameBytes);
}

bool flag(const http::Request& request, const std::string& name) {
  const auto value = request.query_param(name).value_or("0");
  return value == "1" || value == "true";
}

json result_rows(const ImportPlan& plan, const std::vector<ImportDecision>& decisions, bool preview,
                 json& errors) {
  json hosts = json::array();
  for (const auto& e : plan.errors)
    errors.push_back({{"row", e.row}, {"id", e.id}, {"error", e.message}});
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    const auto& host = plan.hosts[i].host;
    const ImportDecision& d = decisions[i];
    const json labels = host.value("labels", json::object());
    json entry = {{"row", plan.hosts[i].row},
                  {"id", host["id"]},
                  {"hostname", host.value("hostname", "")},
                  {"action", d.action.empty() ? "error" : d.action},
                  {"source", labels.value(import::kSourceLabel, "")}};
    if (preview) entry["host"] = host;  // what was understood, as read from the file
    if (d.match) {
      entry["match"] = {{"id", d.match->id}, {"source", d.match->source}, {"rule", d.match->rule}};
    }
    if (!d.error.empty()) {
      entry["error"] = d.error;
      errors.push_back({{"row", plan.hosts[i].row}, {"id", host["id"]}, {"error", d.error}});
    }
    hosts.push_back(std::move(entry));
  }
  return hosts;
}

// POST /api/v1/import: the file as it is (docs/imports.md), `?format=` naming its format when
// its content should not decide, `?dry_run=1` answering what would be done without writing,
// `?all_or_nothing=1` writing nothing (422) when any row has an error. Per host: its row, id,
// hostname, source, action (create, update, unchanged, skip, error) and the stored host it
// matched with the rule; per row that gave no host, its error.
http::Response import_file(Context& ctx, const http::Request& request) {
  ImportPlan plan;
  std::string inflated;   // a gzipped upload, inflated
  std::string_view body;  // the file, mapped from where the server wrote it as it arrived
  try {
    body = decoded_content(request, ctx.config.import_max_bytes, inflated);
    plan = plan_import(body, request.query_param("format"));
  } catch (const TooLarge& e) {
    return error_response(413, std::string(e.what()) + " (import.max_bytes)");
  } catch (const BadEncoding& e) {
    return error_response(400, e.what());
  } catch (const std::domain_error& e) {
    return error_response(415, e.what());
  } catch (const std::invalid_argument& e) {
    return error_response(400, e.what());
  }
  const bool dry_run = flag(request, "dry_run");
  const bool all_or_nothing = flag(request, "all_or_nothing");
  ImportEntry entry{0,
                    ctx.now(),
                    actor_name(ctx, request),
                    file_name(request),
                    sha256_hex(body),
                    plan.format,
                    {},
                    std::nullopt,
                    ""};
  std::vector<ImportDecision> decisions;
  bool refused = false;
  const auto run = [&](Database& db) {
    decisions = decide_import(db, plan);
    entry.counts = count_import(plan, decisions);
    refused = all_or_nothing && entry.counts.failed > 0;
    if (!dry_run && !refused) entry.id = write_import(db, plan, decisions, entry);
  };
  if (dry_run) {
    ctx.store.read(run);
  } else {
    ctx.store.write(run);
  }
  json errors = json::array();
  json hosts = result_rows(plan, decisions, dry_run || refused, errors);
  json answer = {{"format", plan.format},
                 {"dry_run", dry_run},
                 {"imported", refused ? 0 : entry.counts.created + entry.counts.updated},
                 {"created", entry.counts.created},
                 {"updated", entry.counts.updated},
                 {"unchanged", entry.counts.unchanged},
                 {"skipped", entry.counts.skipped},
                 {"failed", entry.counts.failed},
                 {"connections", plan.connections.size()},
                 {"hosts", hosts},
                 {"warnings", plan.warnings},
                 {"errors", errors}};
  if (refused) {
    answer["error"] = std::to_string(entry.counts.failed) +
                      " rows with errors and all_or_nothing asked: nothing was imported";
    answer["code"] = "import_rows_failed";
    answer["params"] = {{"failed", entry.counts.failed}};
    return json_response(422, answer);
  }
  if (entry.id) answer["import"] = entry.id;
  return json_response(200, answer);
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ", ") + name;
  return out;
}

json entry_json(const ImportEntry& e) {
  return {{"id", e.id},
          {"at", format_rfc3339(e.at)},
          {"actor", e.actor},
          {"file_name", e.file_name},
          {"sha256", e.sha256},
          {"format", e.format},
          {"created", e.counts.created},
          {"updated", e.counts.updated},
          {"unchanged", e.counts.unchanged},
          {"skipped", e.counts.skipped},
          {"failed", e.counts.failed},
          {"rolled_back_at", e.rolled_back_at ? json(format_rfc3339(*e.rolled_back_at)) : json()},
          {"rolled_back_by", e.rolled_back_at ? json(e.rolled_back_by) : json()}};
}

http::Response list(Context& ctx, const http::Request&) {
  json imports = json::array();
  for (const auto& e :
       ctx.store.read([](Database& db) { return list_imports(db, kHistoryLength); }))
    imports.push_back(entry_json(e));
  return json_response(200, {{"imports", imports}});
}

std::optional<std::int64_t> import_id(const http::Request& request) {
  return text::to_i64(request.param("id"));
}

http::Response not_found(std::int64_t id) {
  return error_response(404, "import_not_found", {{"id", id}}, "no import " + std::to_string(id));
}

http::Response show(Context& ctx, const http::Request& request) {
  const auto id = import_id(request);
  if (!id) return error_response(404, "expected /api/v1/imports/{numeric id}");
  std::optional<ImportEntry> entry;
  std::vector<ImportChange> changes;
  ctx.store.read([&](Database& db) {
    entry = find_import(db, *id);
    if (entry) changes = import_changes(db, *id);
  });
  if (!entry) return not_found(*id);
  json hosts = json::array();
  for (const auto& c : changes) hosts.push_back({{"id", c.host_id}, {"action", c.action}});
  json body = entry_json(*entry);
  body["hosts"] = hosts;
  return json_response(200, body);
}

http::Response rollback(Context& ctx, const http::Request& request) {
  const auto id = import_id(request);
  if (!id) return error_response(404, "expected /api/v1/imports/{numeric id}/rollback");
  const std::string actor = actor_name(ctx, request);
  Rollback result;
  ctx.store.write([&](Database& db) {
    const auto now = ctx.now();
    result = rollback_import(db, *id, actor, now);
    if (result.outcome == Rollback::Outcome::kDone) {
      audit(db, now, "import_rollback", std::nullopt, "", actor,
            "import " + std::to_string(*id) + ": " + std::to_string(result.removed) +
                " hosts removed, " + std::to_string(result.restored) + " restored");
    }
  });
  switch (result.outcome) {
    case Rollback::Outcome::kNotFound:
      return not_found(*id);
    case Rollback::Outcome::kAlreadyRolledBack:
      return error_response(409, "import_rolled_back", {{"id", *id}},
                            "import " + std::to_string(*id) + " is already rolled back");
    case Rollback::Outcome::kConflict:
      return error_response(
          409, "import_superseded", {{"id", *id}, {"hosts", result.hosts}},
          "import " + std::to_string(*id) +
              " cannot be rolled back: a later import or an agent changed these hosts since: " +
              joined(result.hosts));
    case Rollback::Outcome::kDone:
      break;
  }
  log::info("import " + std::to_string(*id) + " rolled back by " + actor);
  return json_response(
      200, {{"rolled_back", *id}, {"removed", result.removed}, {"restored", result.restored}});
}

}  // namespace

void register_import_routes(http::Server& server, Context& ctx) {
  add_api_routes(server, ctx,
                 {{"POST", "/api/v1/import", MinRole::kAdmin, import_file,
                   ctx.config.import_max_bytes, http::BodyStorage::kFile},
                  {"GET", "/api/v1/imports", MinRole::kAdmin, list},
                  {"GET", "/api/v1/imports/{id}", MinRole::kAdmin, show},
                  {"POST", "/api/v1/imports/{id}/rollback", MinRole::kAdmin, rollback}});
}

}  // namespace sahab::collector
