// GET /api/v1/hosts, /api/v1/hosts/{id}, /api/v1/hosts/{id}/utilisation, /api/v1/dependencies.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>
#include <variant>

#include "collector/api/context.h"
#include "collector/api/percentiles.h"
#include "collector/api/router.h"
#include "collector/ingest/document.h"
#include "collector/store/edges.h"
#include "collector/store/hosts.h"
#include "collector/store/maintenance.h"
#include "collector/store/utilisation.h"
#include "common/bounded_json.h"
#include "common/text.h"
#include "common/timestamp.h"

namespace sahab::collector {
namespace {
using nlohmann::json;

constexpr std::int64_t kMaxPage = 1000;
constexpr std::int64_t kMaxSeriesPoints = 10'000;

json host_summary(const HostRow& h) {
  return {{"id", h.id},
          {"hostname", h.hostname},
          {"labels", bounded_json::parse_stored_or(h.labels_json, "host labels", json::object())},
          {"source", h.source},
          {"state", h.state},
          {"first_seen", format_rfc3339(h.first_seen)},
          {"last_seen", format_rfc3339(h.last_seen)},
          {"address", h.address ? json(*h.address) : json()}};
}

http::Response list_hosts(Context& ctx, const http::Request& request) {
  HostQuery query;
  for (const auto& label : query_params(request, "label")) {
    const auto eq = label.find('=');
    const std::string name = label.substr(0, eq);
    if (eq == std::string::npos || !valid_label_name(name)) {
      return error_response(400,
                            "label: expected NAME=VALUE with NAME letters, digits, '_' or '.'");
    }
    query.labels.emplace_back(name, label.substr(eq + 1));
  }
  query.text = request.query_param("q");
  query.state = request.query_param("state");
  query.source = request.query_param("source");
  query.sort = request.query_param("sort").value_or("hostname");
  const auto order = request.query_param("order").value_or("asc");
  const auto& sorts = host_sort_columns();
  if (std::find(sorts.begin(), sorts.end(), query.sort) == sorts.end() ||
      (order != "asc" && order != "desc")) {
    return error_response(400,
                          "sort: id, hostname, last_seen, first_seen or state; order: asc or desc");
  }
  query.descending = order == "desc";
  const auto limit = text::to_i64(request.query_param("limit").value_or("100"));
  const auto offset = text::to_i64(request.query_param("offset").value_or("0"));
  if (!limit || *limit < 1 || *limit > kMaxPage || !offset || *offset < 0) {
    return error_response(400, "limit: 1.." + std::to_string(kMaxPage) + "; offset: >= 0");
  }
  query.limit = *limit;
  query.offset = *offset;
  const HostPage page = ctx.store.read([&](Database& db) { return find_hosts(db, query); });
  json hosts = json::array();
  for (const auto& h : page.hosts) hosts.push_back(host_summary(h));
  return json_response(
      200, {{"total", page.total}, {"limit", *limit}, {"offset", *offset}, {"hosts", hosts}});
}

json host_detail(const HostRecord& record) {
  json host = host_summary(record.host);
  if (record.imported_json) {
    host["imported"] =
        bounded_json::parse_stored_or(*record.imported_json, "imported host", json());
  }
  json inventory = json::object();
  for (const auto& s : record.sections) {
    inventory[s.section] = {
        {"hash", s.hash},
        {"updated_at", format_rfc3339(s.updated_at)},
        {"data", bounded_json::parse_stored_or(s.data_json, "inventory section", json())}};
  }
  host["inventory"] = std::move(inventory);
  json changes = json::array();
  for (const auto& c : record.changes) {
    changes.push_back(
        {{"section", c.section},
         {"at", format_rfc3339(c.at)},
         {"changed", bounded_json::parse_stored_or(c.changed_json, "inventory change", json())},
         {"old_hash", c.old_hash ? json(*c.old_hash) : json()},
         {"new_hash", c.new_hash}});
  }
  host["changes"] = std::move(changes);
  json agents = json::array();
  for (const auto& a : record.agents) {
    agents.push_back(
        {{"id", a.id}, {"created_at", format_rfc3339(a.created_at)}, {"revoked", a.revoked}});
  }
  host["agents"] = std::move(agents);
  return host;
}

// The {id} of a host route, or the answer when it names no known host.
std::variant<std::string, http::Response> known_host(Context& ctx, const http::Request& request) {
  const std::string& id = request.param("id");
  if (!valid_host_id(id)) return error_response(400, "not a valid host id");
  const bool exists = ctx.store.read([&](Database& db) { return host_exists(db, id); });
  if (!exists) return error_response(404, "host_not_found", {{"id", id}}, "no host '" + id + "'");
  return id;
}

http::Response utilisation(Context& ctx, const http::Request& request) {
  const auto known = known_host(ctx, request);
  if (const auto* refusal = std::get_if<http::Response>(&known)) return *refusal;
  const std::string& id = std::get<std::string>(known);
  const auto metric = request.query_param("metric").value_or("cpu_ratio");
  std::int64_t to = 0, from = 0;
  std::optional<std::int64_t> step;
  try {
    to = time_param(request, "to").value_or(ctx.now());
    from = time_param(request, "from").value_or(to - 86'400);
    step = duration_param(request, "step");
  } catch (const std::invalid_argument& e) {
    return error_response(400, e.what());
  }
  if (from >= to) return error_response(400, "from must be before to");
  if (step && (to - from) / *step > kMaxSeriesPoints) {
    return error_response(
        400, "step too small: more than " + std::to_string(kMaxSeriesPoints) + " points");
  }
  const UtilisationQuery query{id, metric, from, to, raw_from(ctx.config.retention, ctx.now())};
  const auto expected = expected_summaries(ctx.config, to - from);
  json body = {{"host_id", id},
               {"metric", metric},
               {"from", format_rfc3339(from)},
               {"to", format_rfc3339(to)}};
  ctx.store.read([&](Database& db) {
    body["window"] = stats_json(query_window(db, query), expected);
    if (step) {
      json series = json::array();
      const auto points = query_series(db, query, *step);
      for (size_t i = 0; i < points.size(); ++i) {
        json point = stats_json(points[i], expected_summaries(ctx.config, *step));
        point["start"] = format_rfc3339(from + static_cast<std::int64_t>(i) * *step);
        series.push_back(std::move(point));
      }
      body["step_seconds"] = *step;
      body["series"] = std::move(series);
    }
  });
  return json_response(200, body);
}

http::Response host_page(Context& ctx, const http::Request& request) {
  const auto known = known_host(ctx, request);
  if (const auto* refusal = std::get_if<http::Response>(&known)) return *refusal;
  const std::string& id = std::get<std::string>(known);
  const auto record = ctx.store.read([&](Database& db) { return find_host(db, id); });
  return record ? json_response(200, host_detail(*record))
                : error_response(404, "host_not_found", {{"id", id}}, "no host '" + id + "'");
}

http::Response dependencies(Context& ctx, const http::Request& request) {
  const bool resolved_only = request.query_param("resolved").value_or("false") == "true";
  // ?host=ID (repeatable): only the edges into and out of those hosts (a neighbourhood, a group).
  const auto wanted = query_params(request, "host");
  const std::set<std::string> hosts(wanted.begin(), wanted.end());
  json edges = json::array();
  for (const auto& e : ctx.store.read([](Database& db) { return load_edges(db); })) {
    if (resolved_only && (e.source.empty() || e.target.empty())) continue;
    if (!hosts.empty() && !hosts.contains(e.source) && !hosts.contains(e.target)) continue;
    edges.push_back({{"source", e.source.empty() ? json() : json(e.source)},
                     {"target", e.target.empty() ? json() : json(e.target)},
                     {"remote_address", e.remote_address},
                     {"port", e.port},
                     {"process", e.process},
                     {"connections", e.connections},
                     {"bytes_per_day", e.bytes_per_day ? json(*e.bytes_per_day) : json()},
                     {"last_seen", format_rfc3339(e.last_seen)}});
  }
  return json_response(200, {{"edges", edges}});
}

}  // namespace

void register_host_routes(http::Server& server, Context& ctx) {
  add_api_routes(server, ctx,
                 {{"GET", "/api/v1/hosts", MinRole::kViewer, list_hosts},
                  {"GET", "/api/v1/hosts/{id}", MinRole::kViewer, host_page},
                  {"GET", "/api/v1/hosts/{id}/utilisation", MinRole::kViewer, utilisation},
                  {"GET", "/api/v1/dependencies", MinRole::kViewer, dependencies}});
}

}  // namespace sahab::collector
