// GET /api/v1/fleet, GET /api/v1/targets (Prometheus http_sd).
#include "collector/api/context.h"
#include "collector/api/fleet_csv.h"
#include "collector/api/fleet_export.h"
#include "collector/api/router.h"
#include "collector/api/sd_targets.h"
#include "collector/store/hosts.h"
#include "common/bounded_json.h"

namespace sahab::collector {
namespace {
using nlohmann::json;

http::Response fleet(Context& ctx, const http::Request& request, std::int64_t window) {
  const FleetWindow w = fleet_window(ctx.config, ctx.now(), window);
  const auto format = request.query_param("format").value_or("json");
  // A streamed answer has sent its 200 before the store is read: a store out of reach must
  // answer 503 here instead of a truncated 200.
  ctx.store.read([](Database& db) { check_readable(db); });
  // Both streamed: hosts are written as they are read, whatever the fleet's size (issue 17).
  if (format == "csv") {
    http::Response response{200, "text/csv; charset=utf-8", "", {}};
    response.headers.emplace_back("Content-Disposition", "attachment; filename=\"fleet.csv\"");
    response.stream = [&ctx, w](const http::Response::Writer& write) {
      write(fleet_csv_header());
      ctx.store.read([&](Database& db) {
        for_each_fleet_host(db, w, [&](const json& host) { write(fleet_csv_row(host)); });
      });
    };
    return response;
  }
  if (format != "json") return error_response(400, "format: expected json or csv");
  http::Response response = http::Response::json(200, "");
  response.stream = [&ctx, w](const http::Response::Writer& write) {
    ctx.store.read([&](Database& db) { write_fleet(db, w, write); });
  };
  return response;
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
                  {"GET", "/api/v1/targets", MinRole::kViewer, targets}});
}

void register_ops_routes(http::Server& server, Context& ctx) {
  add_api_routes(server, ctx,
                 {{"GET", "/metrics", std::nullopt, serve_metrics},
                  {"GET", "/healthz", std::nullopt, health}});
}

}  // namespace sahab::collector
