// sahab-plan/1 serialisation.
#include <cmath>
#include <nlohmann/json.hpp>

#include "planner/plan.h"

namespace sahab::planner {
namespace {
using nlohmann::json;

// Money and hours are written with two decimals: enough for a budget, stable across runs.
double r2(double v) { return std::round(v * 100) / 100; }

json cost_json(const MonthlyCost& m) {
  return {{"compute", r2(m.compute)},
          {"storage", r2(m.storage)},
          {"egress", r2(m.egress)},
          {"licences", r2(m.licences)}};
}

json host_json(const Plan& plan, const HostPlan& h) {
  json out = {{"id", h.id},
              {"hostname", h.hostname},
              {"region", h.region},
              {"province", h.province},
              {"commune", h.commune},
              {"environment", h.environment},
              {"criticality", h.criticality},
              {"sensitivity", h.sensitivity},
              {"strategy", to_string(h.strategy)},
              {"reasons", h.reasons},
              {"flags", h.flags},
              {"move_group", h.group >= 0 ? json(plan.groups[h.group].id) : json(nullptr)},
              {"wave", h.wave > 0 ? json(h.wave) : json(nullptr)},
              {"confidence", h.confidence},
              {"shared_infrastructure", h.shared_infrastructure},
              {"needed", {{"vcpu", r2(h.needed_vcpu)}, {"memory_gib", r2(h.needed_memory_gib)}}},
              {"monthly_cost", r2(h.monthly.total())},
              {"monthly_cost_breakdown", cost_json(h.monthly)},
              {"monthly_cost_on_demand", r2(h.monthly_on_demand)},
              {"on_premises_monthly_cost", r2(h.on_premises_monthly_cost)},
              {"one_time_cost", r2(h.one_time_cost)},
              {"transfer_gb", r2(h.transfer_gb)},
              {"transfer_hours", r2(h.transfer_hours)}};
  if (h.target) {
    const Target& t = *h.target;
    json disks = json::array();
    for (const auto& d : t.disks) {
      disks.push_back(
          {{"tier", d.tier}, {"size_gib", d.size_gib}, {"monthly_cost", r2(d.monthly_cost)}});
    }
    out["target"] = {{"provider", t.provider},     {"instance", t.instance},
                     {"series", t.series},         {"vcpu", t.vcpu},
                     {"memory_gib", t.memory_gib}, {"disks", std::move(disks)}};
    if (!t.managed_service.empty()) out["target"]["managed_service"] = t.managed_service;
  } else {
    out["target"] = nullptr;
  }
  return out;
}

json ids(const Plan& plan, const std::vector<std::uint32_t>& hosts) {
  json out = json::array();
  for (auto h : hosts) out.push_back(plan.hosts[h].id);
  return out;
}

json rollups(const std::vector<CostRollup>& list) {
  json out = json::array();
  for (const auto& r : list) {
    out.push_back({{"key", r.key},
                   {"hosts", r.hosts},
                   {"monthly_cost", r2(r.monthly_cost)},
                   {"on_premises_monthly_cost", r2(r.on_premises_monthly_cost)},
                   {"one_time_cost", r2(r.one_time_cost)}});
  }
  return out;
}

}  // namespace

json plan_to_json(const Plan& plan) {
  json out = {{"format", kPlanFormat}, {"currency", plan.currency}};
  out["parameters"] = parameters_json(plan.config);
  out["rules"] = plan.rules;
  out["assumptions"] = plan.assumptions;
  json hosts = json::array();
  for (const auto& h : plan.hosts) hosts.push_back(host_json(plan, h));
  out["hosts"] = std::move(hosts);
  json groups = json::array();
  for (const auto& g : plan.groups) {
    groups.push_back({{"id", g.id}, {"wave", g.wave}, {"hosts", ids(plan, g.hosts)}});
  }
  out["move_groups"] = std::move(groups);
  json cut = json::array();
  for (const auto& c : plan.cut_dependencies) {
    cut.push_back({{"source", plan.hosts[c.source].id},
                   {"target", plan.hosts[c.target].id},
                   {"source_group", plan.groups[plan.hosts[c.source].group].id},
                   {"target_group", plan.groups[plan.hosts[c.target].group].id},
                   {"connections_per_day", c.connections_per_day},
                   {"bytes_per_day", c.bytes_per_day}});
  }
  out["cut_dependencies"] = std::move(cut);
  out["shared_infrastructure"] = ids(plan, plan.shared_infrastructure);
  json waves = json::array();
  for (const auto& w : plan.waves) {
    json groups_of_wave = json::array();
    for (auto g : w.groups) groups_of_wave.push_back(plan.groups[g].id);
    waves.push_back({{"number", w.number},
                     {"pilot", w.pilot},
                     {"environment", w.environment},
                     {"start", w.start},
                     {"end", w.end},
                     {"hosts", ids(plan, w.hosts)},
                     {"move_groups", std::move(groups_of_wave)},
                     {"monthly_cost", r2(w.monthly_cost)},
                     {"one_time_cost", r2(w.one_time_cost)},
                     {"transfer_gb", r2(w.transfer_gb)},
                     {"transfer_hours", r2(w.transfer_hours)}});
  }
  out["waves"] = std::move(waves);
  json violations = json::array();
  for (const auto& v : plan.violations)
    violations.push_back({{"constraint", v.constraint}, {"detail", v.detail}});
  out["violations"] = std::move(violations);
  out["costs"] = {{"by_region", rollups(plan.by_region)}, {"by_commune", rollups(plan.by_commune)}};
  const Totals& t = plan.totals;
  out["totals"] = {{"hosts", t.hosts},
                   {"rehost", t.rehost},
                   {"replatform", t.replatform},
                   {"retire", t.retire},
                   {"retain", t.retain},
                   {"flagged", t.flagged},
                   {"monthly_cost", r2(t.monthly_cost)},
                   {"monthly_cost_breakdown", cost_json(t.breakdown)},
                   {"monthly_cost_on_demand", r2(t.monthly_cost_on_demand)},
                   {"commitment", plan.config.costs.commitment},
                   {"one_time_cost", r2(t.one_time_cost)},
                   {"on_premises_monthly_cost", r2(t.on_premises_monthly_cost)},
                   {"retained_on_premises_monthly_cost", r2(t.retained_on_premises_monthly_cost)},
                   {"monthly_difference", r2(t.monthly_difference)}};
  return out;
}

}  // namespace sahab::planner
