#include "planner/costs.h"

#include <algorithm>
#include <map>

namespace sahab::planner {
namespace {

constexpr double kHoursPerMonth = 730;

void add(std::map<std::string, CostRollup>& rollups, const std::string& key, const HostPlan& h) {
  CostRollup& r = rollups[key.empty() ? "(unknown)" : key];
  r.key = key.empty() ? "(unknown)" : key;
  ++r.hosts;
  r.monthly_cost += h.monthly.total();
  r.on_premises_monthly_cost += h.on_premises_monthly_cost;
  r.one_time_cost += h.one_time_cost;
}

std::vector<CostRollup> values(std::map<std::string, CostRollup>&& rollups) {
  std::vector<CostRollup> out;
  out.reserve(rollups.size());
  for (auto& [key, r] : rollups) out.push_back(std::move(r));
  return out;
}

}  // namespace

double on_premises_monthly_cost(const Host& host, const PlannerConfig& c) {
  const auto& o = c.on_premises;
  const double cores = host.cpu_cores.value_or(c.assume.cores);
  double storage_gb = 0;
  for (const auto& d : host.disks)
    storage_gb += d.size_bytes.value_or(c.assume.disk_gib * 1073741824.0) / 1e9;
  if (host.disks.empty()) storage_gb = c.assume.disk_gib * 1.073741824;
  const double hardware = cores * o.hardware_per_core / (o.depreciation_years * 12);
  const double storage = storage_gb * o.storage_per_gb_month;
  const double operations = (o.security_per_server_year + o.monitoring_per_server_year +
                             o.patching_per_server_year + o.backup_per_server_year) /
                            12;
  const double power =
      cores * o.kwh_per_core_hour * o.load_factor * o.pue * kHoursPerMonth * o.price_per_kwh;
  return to_plan_currency(c, hardware + storage + operations + power, o.currency);
}

double transfer_hours(double gigabytes, double mbps, const PlannerConfig& c) {
  const double bits = gigabytes * 1e9 * 8;
  return bits / (mbps * 1e6 * c.waves.link_efficiency) / 3600;
}

double one_time_cost(const HostPlan& h, const PlannerConfig& c) {
  if (h.strategy != Strategy::kRehost && h.strategy != Strategy::kReplatform) return 0;
  double cost = c.costs.migration_per_host + h.transfer_gb / 1000 * c.costs.migration_per_tb;
  if (h.strategy == Strategy::kReplatform) cost += c.costs.replatform_per_host;
  return cost;
}

void roll_up_costs(Plan& plan) {
  std::map<std::string, CostRollup> regions, communes;
  Totals& t = plan.totals;
  t = Totals{};
  for (const HostPlan& h : plan.hosts) {
    add(regions, h.region, h);
    add(communes, h.region + " / " + h.province + " / " + h.commune, h);
    ++t.hosts;
    t.monthly_cost += h.monthly.total();
    t.monthly_cost_on_demand += h.monthly_on_demand;
    for (std::size_t k = 0; k < kCommitments.size(); ++k) {
      t.monthly_cost_by_commitment[k] += h.monthly_by_commitment[k];
    }
    t.breakdown += h.monthly;
    t.one_time_cost += h.one_time_cost;
    t.on_premises_monthly_cost += h.on_premises_monthly_cost;
    if (h.strategy == Strategy::kRetain)
      t.retained_on_premises_monthly_cost += h.on_premises_monthly_cost;
    switch (h.strategy) {
      case Strategy::kRehost:
        ++t.rehost;
        break;
      case Strategy::kReplatform:
        ++t.replatform;
        break;
      case Strategy::kRetire:
        ++t.retire;
        break;
      case Strategy::kRetain:
        ++t.retain;
        break;
    }
    if (!h.flags.empty()) ++t.flagged;
  }
  t.monthly_difference =
      t.monthly_cost + t.retained_on_premises_monthly_cost - t.on_premises_monthly_cost;
  plan.by_region = values(std::move(regions));
  plan.by_commune = values(std::move(communes));
  for (Wave& w : plan.waves) {
    w.monthly_cost = w.one_time_cost = w.transfer_gb = 0;
    for (auto i : w.hosts) {
      w.monthly_cost += plan.hosts[i].monthly.total();
      w.one_time_cost += plan.hosts[i].one_time_cost;
      w.transfer_gb += plan.hosts[i].transfer_gb;
    }
  }
}

}  // namespace sahab::planner
