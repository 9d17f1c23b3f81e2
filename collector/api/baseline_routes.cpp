// Baselines of the plan (docs/execution.md#baselines): an administrator approves the live plan
// under a name; the baseline keeps each host's wave, move group, target and costs as rows, so a
// recomputed plan never changes it. Its difference with the live plan, and adopting the live
// plan's assignment one wave at a time.
#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <variant>

#include "collector/api/execution.h"
#include "collector/api/migration_states.h"
#include "collector/api/request_body.h"
#include "collector/api/router.h"
#include "collector/store/agents.h"
#include "common/bounded_json.h"
#include "common/timestamp.h"

namespace sahab::collector {
namespace {
using nlohmann::json;

constexpr std::size_t kMaxNameBytes = 128;

// One host of the plan as a baseline keeps it.
BaselineHost baseline_host(const planner::Plan& plan, const planner::HostPlan& h) {
  BaselineHost out{h.id,
                   h.hostname,
                   h.wave,
                   h.group >= 0 ? plan.groups[static_cast<std::size_t>(h.group)].id : "",
                   planner::to_string(h.strategy),
                   "",
                   h.monthly.total(),
                   h.on_premises_monthly_cost,
                   h.region,
                   h.province,
                   h.commune};
  if (h.target) {
    const auto& t = *h.target;
    out.target = t.provider + "/" + (t.managed_service.empty() ? t.instance : t.managed_service);
  }
  return out;
}

json baseline_json(const Baseline& b) {
  return {{"id", b.id},
          {"name", b.name},
          {"currency", b.currency},
          {"approved_by", b.approved_by},
          {"approved_at", format_rfc3339(b.approved_at)},
          {"hosts", b.hosts},
          {"moving_hosts", b.moving_hosts},
          {"monthly_cost", money(b.monthly_cost)}};
}

json host_json(const BaselineHost& h) {
  return {{"id", h.host_id},
          {"hostname", h.hostname},
          {"wave", h.wave},
          {"move_group", h.move_group},
          {"strategy", h.strategy},
          {"target", h.target},
          {"monthly_cost", money(h.monthly_cost)},
          {"on_premises_monthly_cost", money(h.on_premises_monthly_cost)},
          {"region", h.region},
          {"province", h.province},
          {"commune", h.commune}};
}

// The live plan: the configured parameters, no what-if.
std::variant<std::shared_ptr<const PlanService::Result>, http::Response> live_plan(
    PlanService& plans) {
  if (!plans.available()) {
    return error_response(503, "plan_unavailable", json::object(), plans.unavailable_reason());
  }
  try {
    return plans.plan(plans.configure(nullptr));
  } catch (const planner::FleetError& e) {
    return stored_fleet_error(e);
  }
}

http::Response no_baseline(const std::string& id) {
  return error_response(404, "baseline_not_found", {{"id", id}}, "no baseline '" + id + "'");
}

// The {id} of a baseline route and its baseline, or the 404.
std::variant<Baseline, http::Response> requested_baseline(Context& ctx,
                                                          const http::Request& request) {
  const std::string id = request.param("id").substr(0, 32);
  std::int64_t number = 0;
  try {
    std::size_t used = 0;
    number = std::stoll(id, &used);
    if (used != id.size()) return no_baseline(id);
  } catch (const std::exception&) {
    return no_baseline(id);
  }
  auto found = ctx.store.read([number](Database& db) { return find_baseline(db, number); });
  if (!found) return no_baseline(id);
  return *found;
}

http::Response approve(Context& ctx, PlanService& plans, const http::Request& request) {
  auto parsed = json_body_object(request, {"name"});
  if (auto* error = std::get_if<http::Response>(&parsed)) return *error;
  const json& name = std::get<json>(parsed)["name"];
  if (!name.is_string() || name.get<std::string>().empty() ||
      name.get<std::string>().size() > kMaxNameBytes) {
    return error_response(400, "baseline_name", {{"max_bytes", kMaxNameBytes}},
                          "name: expected a string of 1 to 128 bytes");
  }
  auto live = live_plan(plans);
  if (auto* error = std::get_if<http::Response>(&live)) return *error;
  const planner::Plan& plan = std::get<0>(live)->plan;
  std::vector<BaselineHost> hosts;
  hosts.reserve(plan.hosts.size());
  for (const auto& h : plan.hosts) hosts.push_back(baseline_host(plan, h));
  Baseline baseline{0, name.get<std::string>(), plan.currency, actor_name(ctx, request), ctx.now()};
  std::int64_t id = 0;
  ctx.store.write([&](Database& db) {
    id = create_baseline(db, baseline, hosts);
    audit(db, baseline.approved_at, "baseline-approve", std::nullopt, "",
          client_address(ctx, request),
          "#" + std::to_string(id) + " " + baseline.name + " by " + baseline.approved_by);
  });
  const auto stored = ctx.store.read([id](Database& db) { return find_baseline(db, id); });
  return json_response(201, baseline_json(*stored));
}

http::Response list(Context& ctx, PlanService&, const http::Request&) {
  json out = json::array();
  for (const auto& b : ctx.store.read([](Database& db) { return list_baselines(db); })) {
    out.push_back(baseline_json(b));
  }
  return json_response(200, {{"baselines", out}});
}

http::Response show(Context& ctx, PlanService&, const http::Request& request) {
  auto found = requested_baseline(ctx, request);
  if (auto* error = std::get_if<http::Response>(&found)) return *error;
  const Baseline& b = std::get<Baseline>(found);
  json hosts = json::array();
  for (const auto& h : ctx.store.read([&b](Database& db) { return baseline_hosts(db, b.id); })) {
    hosts.push_back(host_json(h));
  }
  json out = baseline_json(b);
  out["host_list"] = std::move(hosts);
  return json_response(200, out);
}

// What the live plan changed since the baseline: hosts in another wave, new, absent; costs.
http::Response diff(Context& ctx, PlanService& plans, const http::Request& request) {
  auto found = requested_baseline(ctx, request);
  if (auto* error = std::get_if<http::Response>(&found)) return *error;
  const Baseline& b = std::get<Baseline>(found);
  auto live = live_plan(plans);
  if (auto* error = std::get_if<http::Response>(&live)) return *error;
  const auto& result = *std::get<0>(live);
  const auto stored = ctx.store.read([&b](Database& db) { return baseline_hosts(db, b.id); });
  json moved = json::array(), added = json::array(), absent = json::array();
  std::set<int> waves;
  double baseline_cost = 0, live_cost = 0;
  std::set<std::string> known;
  for (const auto& h : stored) {
    baseline_cost += h.monthly_cost;
    known.insert(h.host_id);
    const auto it = result.index.find(h.host_id);
    if (it == result.index.end()) {
      absent.push_back({{"id", h.host_id}, {"hostname", h.hostname}, {"baseline_wave", h.wave}});
      if (h.wave > 0) waves.insert(h.wave);
      continue;
    }
    const int now = result.plan.hosts[it->second].wave;
    if (now == h.wave) continue;
    moved.push_back({{"id", h.host_id},
                     {"hostname", h.hostname},
                     {"baseline_wave", h.wave},
                     {"live_wave", now}});
    for (int w : {h.wave, now}) {
      if (w > 0) waves.insert(w);
    }
  }
  for (const auto& h : result.plan.hosts) {
    live_cost += h.monthly.total();
    if (known.count(h.id)) continue;
    added.push_back({{"id", h.id}, {"hostname", h.hostname}, {"live_wave", h.wave}});
    if (h.wave > 0) waves.insert(h.wave);
  }
  return json_response(200, {{"baseline", baseline_json(b)},
                             {"plan_currency", result.plan.currency},
                             {"moved", moved},
                             {"new", added},
                             {"absent", absent},
                             {"changed_waves", waves},
                             {"monthly_cost",
                              {{"baseline", money(baseline_cost)},
                               {"live", money(live_cost)},
                               {"delta", money(live_cost - baseline_cost)}}}});
}

// Makes the baseline's wave n the live plan's wave n: its hosts take their live assignment; the
// hosts the live plan moved out of it take theirs (another wave, or none), or leave the baseline
// when the live plan no longer has them. Other waves are not touched otherwise. Refused (409)
// when that would move a host whose move has started (migration_states.h in_flight).
http::Response adopt(Context& ctx, PlanService& plans, const http::Request& request) {
  auto found = requested_baseline(ctx, request);
  if (auto* error = std::get_if<http::Response>(&found)) return *error;
  const Baseline& b = std::get<Baseline>(found);
  const auto number = requested_wave(request);
  if (const auto* error = std::get_if<http::Response>(&number)) return *error;
  const int wave = std::get<int>(number);
  const std::string n = std::to_string(wave);
  auto live = live_plan(plans);
  if (auto* error = std::get_if<http::Response>(&live)) return *error;
  const auto& result = *std::get<0>(live);
  const auto stored = ctx.store.read([&b](Database& db) { return baseline_hosts(db, b.id); });
  std::vector<BaselineHost> adopted;
  std::vector<std::string> removed;
  std::set<std::string> taken;
  for (const auto& h : result.plan.hosts) {
    if (h.wave != wave) continue;
    adopted.push_back(baseline_host(result.plan, h));
    taken.insert(h.id);
  }
  const std::size_t joined = adopted.size();
  for (const auto& h : stored) {
    if (h.wave != wave || taken.count(h.host_id)) continue;
    const auto it = result.index.find(h.host_id);
    if (it == result.index.end()) {
      removed.push_back(h.host_id);
    } else {
      adopted.push_back(baseline_host(result.plan, result.plan.hosts[it->second]));
    }
  }
  if (adopted.empty() && removed.empty()) {
    return error_response(404, "wave_not_found", {{"key", n}},
                          "wave " + n + " is in neither the baseline nor the live plan");
  }
  // Hosts whose wave the adoption changes; none of them may be on the move already.
  std::map<std::string, int> waves_before;
  for (const auto& h : stored) waves_before.emplace(h.host_id, h.wave);
  std::vector<std::string> changing = removed;
  for (const auto& h : adopted) {
    const auto it = waves_before.find(h.host_id);
    if (it != waves_before.end() && it->second != h.wave) changing.push_back(h.host_id);
  }
  std::optional<http::Response> refusal;
  ctx.store.write([&](Database& db) {
    for (const auto& id : changing) {
      const auto status = migration_statuses(db, b.id, StatusScope::kHost, id);
      const auto state = status.empty() ? std::nullopt : parse_migration_state(status[0].state);
      if (state && in_flight(*state)) {
        refusal = error_response(409, "wave_in_flight", {{"host", id}, {"state", status[0].state}},
                                 "host " + id + " is " + status[0].state + ": adopting wave " + n +
                                     " would move it to another wave");
        return;
      }
    }
    update_baseline_hosts(db, b.id, removed, adopted);
    audit(db, ctx.now(), "baseline-adopt-wave", std::nullopt, "", client_address(ctx, request),
          "#" + std::to_string(b.id) + " wave " + n + ": " + std::to_string(joined) + " hosts by " +
              actor_name(ctx, request));
  });
  if (refusal) return *refusal;
  return json_response(200, {{"baseline", b.id},
                             {"wave", wave},
                             {"hosts", joined},
                             {"moved_out", adopted.size() - joined},
                             {"removed", removed.size()}});
}

}  // namespace

void register_baseline_routes(http::Server& server, Context& ctx, PlanService& plans) {
  const auto route = [&plans](const char* method, const char* path, MinRole role,
                              PlanHandler handler) {
    return plan_route(plans, method, path, role, handler);
  };

  add_api_routes(
      server, ctx,
      {route("POST", "/api/v1/baselines", MinRole::kAdmin, approve),
       route("GET", "/api/v1/baselines", MinRole::kViewer, list),
       route("GET", "/api/v1/baselines/{id}", MinRole::kViewer, show),
       route("GET", "/api/v1/baselines/{id}/diff", MinRole::kViewer, diff),
       route("POST", "/api/v1/baselines/{id}/waves/{n}/adopt", MinRole::kPlanner, adopt)});
}

}  // namespace sahab::collector
