// GET /api/v1/hosts, /api/v1/hosts/{id}, /api/v1/hosts/{id}/utilisation, /api/v1/dependencies.
#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include "collector/api/context.h"
#include "collector/api/percentiles.h"
#include "collector/ingest/document.h"
#include "collector/ingest/rfc3339.h"
#include "collector/store/edges.h"
#include "collector/store/maintenance.h"
#include "collector/store/utilisation.h"
#include "common/bounded_json.h"
#include "common/text.h"

namespace sahab::collector {
namespace {
using nlohmann::json;

constexpr std::int64_t kMaxPage = 1000;
constexpr std::int64_t kMaxSeriesPoints = 10'000;

json host_summary(const Statement& s) {
  return {{"id", s.text(0)},
          {"hostname", s.text(1)},
          {"labels", bounded_json::parse_stored_or(s.text(2), "host labels", json::object())},
          {"source", s.text(3)},
          {"state", s.text(4)},
          {"first_seen", format_rfc3339(s.integer(5))},
          {"last_seen", format_rfc3339(s.integer(6))},
          {"address", s.is_null(7) ? json() : json(s.text(7))}};
}

constexpr const char* kHostColumns =
    "id, hostname, labels, source, state, first_seen, last_seen, address";

// Builds the WHERE clause from whitelisted pieces; every value is a bound parameter.
struct HostFilter {
  std::string where = " WHERE 1";
  std::vector<std::string> values;

  void add(const std::string& clause, std::string value) {
    where += " AND " + clause;
    values.push_back(std::move(value));
  }
  void bind(Statement& s) const {
    for (size_t i = 0; i < values.size(); ++i) s.bind(static_cast<int>(i + 1), values[i]);
  }
};

std::string like_pattern(std::string_view text) {
  std::string out = "%";
  for (char c : text) {
    if (c == '%' || c == '_' || c == '\\') out += '\\';
    out += c;
  }
  return out + "%";
}

http::Response list_hosts(Context& ctx, const http::Request& request) {
  if (auto denied = require_admin(ctx, request)) return *denied;
  HostFilter filter;
  for (const auto& label : query_params(request, "label")) {
    const auto eq = label.find('=');
    const std::string name = label.substr(0, eq);
    if (eq == std::string::npos || !valid_label_name(name)) {
      return error_response(400,
                            "label: expected NAME=VALUE with NAME letters, digits, '_' or '.'");
    }
    filter.add("json_extract(labels, '$.\"" + name + "\"') = ?", label.substr(eq + 1));
  }
  if (const auto q = request.query_param("q"); q && !q->empty()) {
    filter.where += " AND (id LIKE ?" + std::to_string(filter.values.size() + 1) +
                    " ESCAPE '\\' OR hostname LIKE ?" + std::to_string(filter.values.size() + 1) +
                    " ESCAPE '\\')";
    filter.values.push_back(like_pattern(*q));
  }
  for (const char* column : {"state", "source"}) {
    if (const auto v = request.query_param(column)) filter.add(std::string(column) + " = ?", *v);
  }
  static const std::map<std::string, std::string> kSorts = {{"id", "id"},
                                                            {"hostname", "hostname"},
                                                            {"last_seen", "last_seen"},
                                                            {"first_seen", "first_seen"},
                                                            {"state", "state"}};
  const auto sort = kSorts.find(request.query_param("sort").value_or("hostname"));
  const auto order = request.query_param("order").value_or("asc");
  if (sort == kSorts.end() || (order != "asc" && order != "desc")) {
    return error_response(400,
                          "sort: id, hostname, last_seen, first_seen or state; order: asc or desc");
  }
  const auto limit = text::to_i64(request.query_param("limit").value_or("100"));
  const auto offset = text::to_i64(request.query_param("offset").value_or("0"));
  if (!limit || *limit < 1 || *limit > kMaxPage || !offset || *offset < 0) {
    return error_response(400, "limit: 1.." + std::to_string(kMaxPage) + "; offset: >= 0");
  }
  json hosts = json::array();
  std::int64_t total = 0;
  ctx.store.read([&](Database& db) {
    Statement& count = db.cached("SELECT count(*) FROM hosts" + filter.where);
    filter.bind(count);
    total = count.step() ? count.integer(0) : 0;
    count.reset();
    Statement& page =
        db.cached("SELECT " + std::string(kHostColumns) + " FROM hosts" + filter.where +
                  " ORDER BY " + sort->second + " " + order + ", id LIMIT " +
                  std::to_string(*limit) + " OFFSET " + std::to_string(*offset));
    filter.bind(page);
    while (page.step()) hosts.push_back(host_summary(page));
  });
  return json_response(
      200, {{"total", total}, {"limit", *limit}, {"offset", *offset}, {"hosts", hosts}});
}

std::optional<json> host_detail(Database& db, const std::string& id) {
  Statement& s =
      db.cached("SELECT " + std::string(kHostColumns) + ", imported FROM hosts WHERE id = ?")
          .with(id);
  if (!s.step()) return std::nullopt;
  json host = host_summary(s);
  if (!s.is_null(8))
    host["imported"] = bounded_json::parse_stored_or(s.text(8), "imported host", json());
  s.reset();
  json inventory = json::object();
  Statement& sections =
      db.cached("SELECT section, hash, data, updated_at FROM inventory_current WHERE host_id = ?")
          .with(id);
  while (sections.step()) {
    inventory[sections.text(0)] = {
        {"hash", sections.text(1)},
        {"updated_at", format_rfc3339(sections.integer(3))},
        {"data", bounded_json::parse_stored_or(sections.text(2), "inventory section", json())}};
  }
  host["inventory"] = std::move(inventory);
  json changes = json::array();
  Statement& history =
      db.cached(
            "SELECT section, at, changed, old_hash, new_hash FROM inventory_changes "
            "WHERE host_id = ? ORDER BY at DESC, id DESC LIMIT 200")
          .with(id);
  while (history.step()) {
    changes.push_back(
        {{"section", history.text(0)},
         {"at", format_rfc3339(history.integer(1))},
         {"changed", bounded_json::parse_stored_or(history.text(2), "inventory change", json())},
         {"old_hash", history.is_null(3) ? json() : json(history.text(3))},
         {"new_hash", history.text(4)}});
  }
  host["changes"] = std::move(changes);
  json agents = json::array();
  Statement& a = db.cached(
                       "SELECT a.id, a.created_at, r.revoked_at IS NOT NULL FROM agents a "
                       "LEFT JOIN revocations r ON r.agent_id = a.id WHERE a.host_id = ?")
                     .with(id);
  while (a.step()) {
    agents.push_back({{"id", a.integer(0)},
                      {"created_at", format_rfc3339(a.integer(1))},
                      {"revoked", a.integer(2) != 0}});
  }
  host["agents"] = std::move(agents);
  return host;
}

http::Response utilisation(Context& ctx, const http::Request& request, const std::string& id) {
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

http::Response host_routes(Context& ctx, const http::Request& request) {
  if (auto denied = require_admin(ctx, request)) return *denied;
  const std::string rest = request.path.substr(sizeof("/api/v1/hosts/") - 1);
  const auto slash = rest.find('/');
  const std::string id = rest.substr(0, slash);
  const std::string tail = slash == std::string::npos ? "" : rest.substr(slash);
  if (!valid_host_id(id)) return error_response(400, "not a valid host id");
  if (tail != "" && tail != "/utilisation") return error_response(404, "not found");
  const bool exists = ctx.store.read([&](Database& db) {
    Statement& s = db.cached("SELECT 1 FROM hosts WHERE id = ?").with(id);
    const bool found = s.step();
    s.reset();
    return found;
  });
  if (!exists) return error_response(404, "no host '" + id + "'");
  if (tail == "/utilisation") return utilisation(ctx, request, id);
  const auto host = ctx.store.read([&](Database& db) { return host_detail(db, id); });
  return host ? json_response(200, *host) : error_response(404, "no host '" + id + "'");
}

http::Response dependencies(Context& ctx, const http::Request& request) {
  if (auto denied = require_admin(ctx, request)) return *denied;
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
  server.route("GET", "/api/v1/hosts",
               [&ctx](const http::Request& r) { return list_hosts(ctx, r); });
  server.route("GET", "/api/v1/hosts/*",
               [&ctx](const http::Request& r) { return host_routes(ctx, r); });
  server.route("GET", "/api/v1/dependencies",
               [&ctx](const http::Request& r) { return dependencies(ctx, r); });
}

}  // namespace sahab::collector
