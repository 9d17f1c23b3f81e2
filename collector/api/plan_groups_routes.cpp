// GET /api/v1/plan/groups: what the Hosts and Dependencies pages need of the current plan — each
// host's strategy, move group and wave, the move groups, shared infrastructure, the retirements
// to confirm and cut dependencies — without sizes, costs or reasons (a few hundred KB for 10,000
// hosts instead of the 16 MB plan).
#include <nlohmann/json.hpp>

#include "collector/api/plan_service.h"
#include "collector/api/router.h"
#include "common/settings.h"
#include "planner/fleet.h"

namespace sahab::collector {
namespace {
using nlohmann::json;

json groups_json(const planner::Plan& plan) {
  const auto id = [&](std::uint32_t host) -> const std::string& { return plan.hosts[host].id; };
  // Hosts as parallel arrays: the ids once, and per host its strategy, group index, wave.
  json ids = json::array(), strategies = json::array(), groups = json::array(),
       waves = json::array(), to_confirm = json::array();
  for (const auto& h : plan.hosts) {
    ids.push_back(h.id);
    if (h.to_confirm == "retire") to_confirm.push_back(h.id);
    strategies.push_back(planner::to_string(h.strategy));
    groups.push_back(h.group);
    waves.push_back(h.wave);
  }
  json move_groups = json::array();
  for (const auto& g : plan.groups) {
    json members = json::array();
    for (const auto host : g.hosts) members.push_back(id(host));
    move_groups.push_back(
        {{"id", g.id}, {"name", g.name}, {"wave", g.wave}, {"hosts", std::move(members)}});
  }
  json cut = json::array();
  for (const auto& c : plan.cut_dependencies) {
    cut.push_back({{"source", id(c.source)}, {"target", id(c.target)}});
  }
  json shared = json::array();
  for (const auto host : plan.shared_infrastructure) shared.push_back(id(host));
  return {{"format", "sahab-plan-groups/1"},
          {"hosts",
           {{"id", std::move(ids)},
            {"strategy", std::move(strategies)},
            {"group", std::move(groups)},
            {"wave", std::move(waves)}}},
          {"move_groups", std::move(move_groups)},
          {"shared_infrastructure", std::move(shared)},
          // Kept for lack of evidence: retirements the owners must confirm.
          {"retire_to_confirm", std::move(to_confirm)},
          {"cut_dependencies", std::move(cut)}};
}

http::Response plan_groups(PlanService& plans) {
  if (!plans.available())
    return error_response(503, "plan_unavailable", json::object(), plans.unavailable_reason());
  try {
    return json_response(200, groups_json(plans.plan(plans.configure(nullptr))->plan));
  } catch (const settings::ConfigError& e) {
    return parameter_error(e);
  } catch (const planner::FleetError& e) {
    return stored_fleet_error(e);
  }
}

}  // namespace

void register_plan_groups_routes(http::Server& server, Context& ctx, PlanService& plans) {
  add_api_routes(server, ctx,
                 {{"GET", "/api/v1/plan/groups", MinRole::kViewer,
                   [&plans](Context&, const http::Request&) { return plan_groups(plans); }}});
}

}  // namespace sahab::collector
