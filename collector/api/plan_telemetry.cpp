#include "collector/api/plan_telemetry.h"

#include <malloc.h>

#include <algorithm>
#include <array>
#include <functional>
#include <map>
#include <optional>
#include <string>

#include "collector/api/gauge_family.h"
#include "common/log.h"
#include "common/timestamp.h"

namespace sahab::collector {
namespace {
using prometheus::MetricFamily;

// A gauge family with its series, appended whole: references into `out` would dangle as it grows.
void add_family(std::vector<MetricFamily>& out, std::string name, std::string help,
                const std::function<void(MetricFamily&)>& fill) {
  out.push_back(gauge_family(std::move(name), std::move(help)));
  fill(out.back());
}

constexpr std::int64_t kDay = 86'400;
constexpr std::array kStrategies = {planner::Strategy::kRehost, planner::Strategy::kReplatform,
                                    planner::Strategy::kRetire, planner::Strategy::kRetain};

// Midnight UTC of a YYYY-MM-DD date, or nullopt when the plan carries none.
std::optional<std::int64_t> day_start(const std::string& date) {
  return date.size() == 10 ? parse_rfc3339(date + "T00:00:00Z") : std::nullopt;
}

const char* wave_status(const PlanFigures::Wave& wave, std::int64_t now) {
  if (!wave.start || now < *wave.start) return "scheduled";
  if (!wave.end || now < *wave.end + kDay) return "in_progress";
  return "completed";
}

// What the planner had to assume for a host, by the fleet fields it lacked.
std::vector<const char*> missing_data(const planner::Host& host) {
  std::vector<const char*> missing;
  const auto& u = host.utilisation;
  if (!u || !u->cpu_ratio.p95 || !u->memory_ratio.p95) missing.push_back("utilisation");
  if (!host.cpu_cores) missing.push_back("cpu_cores");
  if (!host.memory_bytes) missing.push_back("memory");
  bool disks_known = !host.disks.empty();
  for (const auto& d : host.disks) disks_known = disks_known && d.size_bytes.has_value();
  if (!disks_known) missing.push_back("disks");
  if (!host.uplink_mbps) missing.push_back("uplink");
  if (host.label("environment").empty()) missing.push_back("environment");
  if (host.label("region").empty()) missing.push_back("region");
  return missing;
}

void add_host_gauges(std::vector<MetricFamily>& out, const planner::Plan& plan,
                     const std::map<std::string, double>& missing) {
  std::map<std::string, double> by_strategy, by_confidence;
  std::map<std::pair<std::string, std::string>, double> by_region;  // region, strategy
  for (auto s : kStrategies) by_strategy[planner::to_string(s)] = 0;
  for (int stars = 1; stars <= 5; ++stars) by_confidence[std::to_string(stars)] = 0;
  for (const auto& host : plan.hosts) {
    const std::string strategy = planner::to_string(host.strategy);
    by_strategy[strategy] += 1;
    by_region[{host.region, strategy}] += 1;
    by_confidence[std::to_string(std::clamp(host.confidence, 1, 5))] += 1;
  }
  add_family(out, "sahab_plan_hosts", "Hosts of the current plan by strategy.", [&](auto& f) {
    for (const auto& [strategy, n] : by_strategy) add_gauge(f, {{"strategy", strategy}}, n);
  });
  add_family(out, "sahab_plan_hosts_by_region", "Hosts of the current plan by region and strategy.",
             [&](auto& f) {
               for (const auto& [key, n] : by_region)
                 add_gauge(f, {{"region", key.first}, {"strategy", key.second}}, n);
             });
  add_family(out, "sahab_plan_hosts_by_confidence",
             "Hosts of the current plan by sizing confidence (1 to 5 stars).", [&](auto& f) {
               for (const auto& [stars, n] : by_confidence)
                 add_gauge(f, {{"confidence", stars}}, n);
             });
  add_family(out, "sahab_plan_hosts_missing_data",
             "Hosts the plan had to make assumptions for, by missing data (any: at least one).",
             [&](auto& f) {
               for (const auto& [what, n] : missing) add_gauge(f, {{"data", what}}, n);
             });
}

std::vector<PlanFigures::Wave> wave_figures(const planner::Plan& plan) {
  std::vector<PlanFigures::Wave> waves;
  for (const auto& wave : plan.waves) {
    waves.push_back({std::to_string(wave.number), static_cast<double>(wave.hosts.size()),
                     day_start(wave.start), day_start(wave.end)});
  }
  return waves;
}

void add_wave_gauges(std::vector<MetricFamily>& out, const std::vector<PlanFigures::Wave>& waves,
                     std::int64_t now) {
  auto hosts = gauge_family("sahab_plan_wave_hosts",
                            "Hosts per wave of the current plan, with the wave's status by its "
                            "dates (scheduled, in_progress, completed).");
  auto starts =
      gauge_family("sahab_plan_wave_start_timestamp_seconds",
                   "Start of each wave of the current plan (midnight UTC of its first day).");
  auto ends =
      gauge_family("sahab_plan_wave_end_timestamp_seconds",
                   "End of each wave of the current plan (midnight UTC after its last day).");
  for (const auto& wave : waves) {
    add_gauge(hosts, {{"status", wave_status(wave, now)}, {"wave", wave.number}}, wave.hosts);
    if (wave.start) add_gauge(starts, {{"wave", wave.number}}, static_cast<double>(*wave.start));
    if (wave.end) add_gauge(ends, {{"wave", wave.number}}, static_cast<double>(*wave.end + kDay));
  }
  for (auto* family : {&hosts, &starts, &ends}) out.push_back(std::move(*family));
}

}  // namespace

std::map<std::string, double> count_missing_data(const planner::Fleet& fleet) {
  std::map<std::string, double> missing;
  for (const char* what :
       {"utilisation", "cpu_cores", "memory", "disks", "uplink", "environment", "region", "any"})
    missing[what] = 0;
  for (const auto& host : fleet.hosts) {
    const auto lacking = missing_data(host);
    for (const char* what : lacking) missing[what] += 1;
    if (!lacking.empty()) missing["any"] += 1;
  }
  return missing;
}

PlanFigures plan_figures(const planner::Plan& plan, const std::map<std::string, double>& missing,
                         std::int64_t generated_at) {
  PlanFigures figures;
  auto& out = figures.families;
  add_family(out, "sahab_plan_generated_timestamp_seconds",
             "Unix time the collector computed its current plan.",
             [&](auto& f) { add_gauge(f, {}, static_cast<double>(generated_at)); });
  add_host_gauges(out, plan, missing);
  figures.waves_at = out.size();
  figures.waves = wave_figures(plan);
  add_family(out, "sahab_plan_monthly_cost", "Monthly cloud cost of the current plan.",
             [&](auto& f) {
               add_gauge(f, {{"currency", plan.currency}}, plan.totals.monthly_cost);
             });
  add_family(out, "sahab_plan_on_premises_monthly_cost",
             "Estimated monthly cost of the same hosts on premises today.", [&](auto& f) {
               add_gauge(f, {{"currency", plan.currency}}, plan.totals.on_premises_monthly_cost);
             });
  add_family(out, "sahab_plan_flagged_hosts",
             "Hosts of the current plan with a problem an architect must look at.",
             [&](auto& f) { add_gauge(f, {}, static_cast<double>(plan.totals.flagged)); });
  return figures;
}

std::vector<MetricFamily> plan_metrics(const PlanFigures& figures, std::int64_t now) {
  const auto waves_at = figures.families.begin() + static_cast<std::ptrdiff_t>(figures.waves_at);
  std::vector<MetricFamily> out(figures.families.begin(), waves_at);
  add_wave_gauges(out, figures.waves, now);
  out.insert(out.end(), waves_at, figures.families.end());
  return out;
}

void PlanGauges::update(const PlanService::Result& result) {
  auto figures = std::make_shared<const PlanFigures>(
      plan_figures(result.plan, result.missing_data, result.computed_at));
  std::lock_guard lock(mutex_);
  figures_ = std::move(figures);
}

std::vector<MetricFamily> PlanGauges::Collect() const {
  std::shared_ptr<const PlanFigures> figures;
  {
    std::lock_guard lock(mutex_);
    figures = figures_;
  }
  if (!figures) return {};
  return plan_metrics(*figures, now_());
}

void refresh_plan_gauges(PlanService& plans, PlanGauges& gauges) {
  if (!plans.available()) return;
  try {
    // The plan is held only for this statement: the cache keeps it while it is current, and the
    // next refresh's computation starts from a heap without it once the fleet moved on.
    gauges.update(*plans.plan(plans.configure(nullptr)));
  } catch (const std::exception& e) {
    log::error(std::string("plan gauges: cannot plan: ") + e.what());
  }
  // A refreshed plan frees the previous one, ~12 MB of small blocks at 2,000 hosts, which glibc
  // otherwise keeps in the heap as free pages (bench/soak.sh).
  malloc_trim(0);
}

}  // namespace sahab::collector
