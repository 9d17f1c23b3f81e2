// GET /api/v1/fleet, POST /api/v1/import, GET /api/v1/targets (Prometheus http_sd).
#include "collector/api/context.h"
#include "collector/api/fleet_csv.h"
#include "collector/api/fleet_export.h"
#include "collector/api/fleet_import.h"
#include "collector/api/import_formats.h"
#include "collector/api/import_plan.h"
#include "collector/api/router.h"
#include "collector/api/sd_targets.h"
#include "collector/ingest/decompress.h"
#include "collector/store/agents.h"
#include "collector/store/hosts.h"
#include "collector/store/imports.h"
#include "common/bounded_json.h"
#include "common/log.h"

namespace sahab::collector {
namespace {
using nlohmann::json;

http::Response fleet(Context& ctx, const http::Request& request, std::int64_t window) {
  const FleetWindow w = fleet_window(ctx.config, ctx.now(), window);
  const auto fleet = [&] {
    return ctx.store.read([&w](Database& db) { return export_fleet(db, w); });
  };
  const auto format = request.query_param("format").value_or("json");
  if (format == "csv") {
    http::Response response{200, "text/csv; charset=utf-8", fleet_csv(fleet()), {}};
    response.headers.emplace_back("Content-Disposition", "attachment; filename=\"fleet.csv\"");
    return response;
  }
  if (format != "json") return error_response(400, "format: expected json or csv");
  // Streamed: hosts are written as they are read, whatever the fleet's size (issue 17).
  http::Response response = http::Response::json(200, "");
  response.stream = [&ctx, w](const http::Response::Writer& write) {
    ctx.store.read([&](Database& db) { write_fleet(db, w, write); });
  };
  return response;
}

const char* action_name(ImportedHostChange change) {
  switch (change) {
    case ImportedHostChange::kCreated:
      return "create";
    case ImportedHostChange::kUpdated:
      return "update";
    case ImportedHostChange::kUnchanged:
      return "unchanged";
    case ImportedHostChange::kAgentHost:
      return "skip";
  }
  return "";
}

// POST /api/v1/import: the file as it is (docs/imports.md), `?format=` naming its format when
// its content should not decide, `?dry_run=1` answering what would be done without writing.
// Per host: its row, id, hostname, source and action (create, update, unchanged, skip: the id
// belongs to a host reporting through an agent); per row that gave no host, its error.
http::Response import_file(Context& ctx, const http::Request& request) {
  ImportPlan plan;
  try {
    plan = plan_import(decoded_body(ctx, request, ctx.config.import_max_bytes),
                       request.query_param("format"));
  } catch (const TooLarge& e) {
    return error_response(413, std::string(e.what()) + " (import.max_bytes)");
  } catch (const BadEncoding& e) {
    return error_response(400, e.what());
  } catch (const std::domain_error& e) {
    return error_response(415, e.what());
  } catch (const std::invalid_argument& e) {
    return error_response(400, e.what());
  }
  const auto dry = request.query_param("dry_run").value_or("0");
  const bool dry_run = dry == "1" || dry == "true";
  std::vector<ImportedHostChange> changes;
  std::vector<std::optional<HostMatch>> matches;
  const auto decide_and_write = [&](Database& db) {
    changes.clear();
    matches.clear();
    const auto now = ctx.now();
    std::size_t written = 0;
    for (const auto& row : plan.hosts) {
      changes.push_back(imported_host_change(db, row.host));
      matches.push_back(changes.back() == ImportedHostChange::kCreated
                            ? host_named(db, row.host["id"], row.host.value("hostname", ""))
                            : std::nullopt);
      // A server an agent already reports under its name: the agent's data wins.
      if (matches.back() && matches.back()->source == "agent")
        changes.back() = ImportedHostChange::kAgentHost;
      const bool write = changes.back() == ImportedHostChange::kCreated ||
                         changes.back() == ImportedHostChange::kUpdated;
      if (write && !dry_run) written += upsert_imported_host(db, row.host, now);
    }
    if (dry_run) return;
    for (const auto& c : plan.connections) upsert_declared_edge(db, c, now);
    audit(db, now, "import", std::nullopt, "", request.remote_address,
          plan.format + ": " + std::to_string(written) + " hosts written");
  };
  if (dry_run) {
    ctx.store.read(decide_and_write);
  } else {
    ctx.store.write(decide_and_write);
  }
  std::map<std::string, std::size_t> counts = {
      {"create", 0}, {"update", 0}, {"unchanged", 0}, {"skip", 0}};
  json hosts = json::array();
  json errors = json::array();
  for (const auto& e : plan.errors)
    errors.push_back({{"row", e.row}, {"id", e.id}, {"error", e.message}});
  for (std::size_t i = 0; i < plan.hosts.size(); ++i) {
    const auto& host = plan.hosts[i].host;
    const char* action = action_name(changes[i]);
    ++counts[action];
    const json labels = host.value("labels", json::object());
    json entry = {{"row", plan.hosts[i].row},
                  {"id", host["id"]},
                  {"hostname", host.value("hostname", "")},
                  {"action", action},
                  {"source", labels.value(import::kSourceLabel, "")}};
    if (dry_run) entry["host"] = host;  // what was understood, as the fleet will hold it
    const auto& match = matches[i];
    if (match) entry["match"] = {{"id", match->id}, {"rule", match->rule}};
    hosts.push_back(std::move(entry));
    if (changes[i] == ImportedHostChange::kAgentHost) {
      errors.push_back({{"row", plan.hosts[i].row},
                        {"id", host["id"]},
                        {"error", match ? "same server as agent host '" + match->id + "' (" +
                                              match->rule + "); the agent's data is kept"
                                        : "host reports through an agent; not replaced"}});
    }
  }
  return json_response(200, {{"format", plan.format},
                             {"dry_run", dry_run},
                             {"imported", counts["create"] + counts["update"]},
                             {"created", counts["create"]},
                             {"updated", counts["update"]},
                             {"unchanged", counts["unchanged"]},
                             {"skipped", counts["skip"]},
                             {"connections", plan.connections.size()},
                             {"hosts", hosts},
                             {"warnings", plan.warnings},
                             {"errors", errors}});
}

http::Response targets(Context& ctx, const http::Request&) {
  std::vector<sd::Cidr> allowed;
  for (const auto& text : ctx.config.targets_allowed_cidrs) {
    if (auto cidr = sd::parse_cidr(text)) allowed.push_back(*cidr);
  }
  json groups = json::array();
  const auto candidates = ctx.store.read([](Database& db) { return scrape_candidates(db); });
  for (const auto& c : candidates) {
    const json identity =
        bounded_json::parse_stored_or(c.identity_json, "inventory section", json::object());
    const json listen = identity.is_object() ? identity.value("listen_address", json()) : json();
    const auto address =
        sd::scrape_address(c.address, listen.is_string() ? listen.get<std::string>() : "", allowed);
    if (!address) continue;  // no push address the collector can vouch for
    json labels = sd::agent_labels(
        bounded_json::parse_stored_or(c.labels_json, "host labels", json::object()));
    labels["host_id"] = c.id;
    labels["hostname"] = c.hostname;
    labels["sahab_state"] = c.state;
    groups.push_back({{"targets", {*address}}, {"labels", labels}});
  }
  return json_response(200, groups);
}

http::Response serve_metrics(Context& ctx, const http::Request&) { return ctx.telemetry.serve(); }

http::Response health(Context& ctx, const http::Request&) {
  ctx.store.read([](Database& db) { check_readable(db); });
  return http::Response::text(200, "ok");
}

}  // namespace

void register_fleet_routes(http::Server& server, Context& ctx) {
  add_api_routes(
      server, ctx,
      {{"GET", "/api/v1/fleet", MinRole::kViewer, windowed(fleet)},
       {"POST", "/api/v1/import", MinRole::kAdmin, import_file, ctx.config.import_max_bytes},
       {"GET", "/api/v1/targets", MinRole::kViewer, targets}});
}

void register_ops_routes(http::Server& server, Context& ctx) {
  add_api_routes(server, ctx,
                 {{"GET", "/metrics", std::nullopt, serve_metrics},
                  {"GET", "/healthz", std::nullopt, health}});
}

}  // namespace sahab::collector
