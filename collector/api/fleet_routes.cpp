// GET /api/v1/fleet, POST /api/v1/import, GET /api/v1/targets (Prometheus http_sd).
#include "collector/api/context.h"
#include "collector/api/fleet_csv.h"
#include "collector/api/fleet_export.h"
#include "collector/api/fleet_import.h"
#include "collector/api/router.h"
#include "collector/api/rvtools_import.h"
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
  return json_response(200, fleet());
}

bool looks_like_csv(const http::Request& request, const std::string& body) {
  const auto type = request.header("content-type").value_or("");
  if (type.starts_with("text/csv")) return true;
  if (type.starts_with("application/json")) return false;
  const auto first = body.find_first_not_of(" \t\r\n");
  return first != std::string::npos && body[first] != '{';
}

// The format `?format=` names, else the one the content shows (a zip is an .xlsx workbook),
// whatever the Content-Type.
ImportPlan plan_import(const http::Request& request, const std::string& body) {
  const auto format = request.query_param("format");
  if (!format) {
    return looks_like_workbook(body)       ? plan_rvtools_import(body)
           : looks_like_csv(request, body) ? plan_csv_import(body)
                                           : plan_fleet_import(body);
  }
  if (*format == "rvtools") return plan_rvtools_import(body);
  if (*format == "csv") return plan_csv_import(body);
  if (*format == "json") return plan_fleet_import(body);
  throw std::invalid_argument("format: expected rvtools, csv or json");
}

http::Response import(Context& ctx, const http::Request& request) {
  ImportPlan plan;
  try {
    plan = plan_import(request, decoded_body(ctx, request));
  } catch (const TooLarge& e) {
    return error_response(413, e.what());
  } catch (const BadEncoding& e) {
    return error_response(400, e.what());
  } catch (const std::domain_error& e) {
    return error_response(415, e.what());
  } catch (const std::invalid_argument& e) {
    return error_response(400, e.what());
  }
  std::vector<std::string> refused;  // ids of agent hosts
  ctx.store.write([&](Database& db) {
    refused.clear();
    const auto now = ctx.now();
    for (const auto& row : plan.hosts) {
      if (!upsert_imported_host(db, row.host, now)) refused.push_back(row.host["id"]);
    }
    for (const auto& c : plan.connections) upsert_declared_edge(db, c, now);
    audit(db, now, "import", std::nullopt, "", request.remote_address,
          std::to_string(plan.hosts.size() - refused.size()) + " hosts");
  });
  json errors = json::array();
  for (const auto& e : plan.errors)
    errors.push_back({{"row", e.row}, {"id", e.id}, {"error", e.message}});
  for (const auto& id : refused) {
    errors.push_back({{"id", id}, {"error", "host reports through an agent; not replaced"}});
  }
  return json_response(200, {{"imported", plan.hosts.size() - refused.size()},
                             {"connections", plan.connections.size()},
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
  add_api_routes(server, ctx,
                 {{"GET", "/api/v1/fleet", MinRole::kViewer, windowed(fleet)},
                  {"POST", "/api/v1/import", MinRole::kAdmin, import},
                  {"GET", "/api/v1/targets", MinRole::kViewer, targets}});
}

void register_ops_routes(http::Server& server, Context& ctx) {
  add_api_routes(server, ctx,
                 {{"GET", "/metrics", std::nullopt, serve_metrics},
                  {"GET", "/healthz", std::nullopt, health}});
}

}  // namespace sahab::collector
