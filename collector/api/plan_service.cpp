#include "collector/api/plan_service.h"

#include <cmath>
#include <nlohmann/json.hpp>

#include "collector/api/plan_telemetry.h"
#include "common/bounded_json.h"
#include "common/log.h"

namespace sahab::collector {

PlanService::PlanService(FleetCache& fleets, const CollectorConfig& config,
                         std::optional<planner::PlannerSetup> setup, std::string unavailable,
                         Telemetry& telemetry, std::function<std::int64_t()> now)
    : fleets_(fleets),
      config_(config),
      setup_(std::move(setup)),
      unavailable_(std::move(unavailable)),
      now_(std::move(now)),
      computations_(prometheus::BuildCounter()
                        .Name("sahab_collector_plan_computations_total")
                        .Help("Plans computed (cache misses of /api/v1/plan and scenarios).")
                        .Register(telemetry.registry())
                        .Add({})),
      hits_(prometheus::BuildCounter()
                .Name("sahab_collector_plan_cache_hits_total")
                .Help("Plans answered from the cache.")
                .Register(telemetry.registry())
                .Add({})),
      last_seconds_(prometheus::BuildGauge()
                        .Name("sahab_collector_plan_duration_seconds")
                        .Help("Time the last plan computation took (fleet export included).")
                        .Register(telemetry.registry())
                        .Add({})) {}

planner::PlannerConfig PlanService::configure(const nlohmann::json& parameters) const {
  planner::PlannerConfig config = setup_ ? setup_->config : planner::PlannerConfig{};
  if (!parameters.is_null()) planner::apply_parameters(config, parameters, "parameters");
  return config;
}

std::string PlanService::cache_key(const std::string& fingerprint,
                                   const planner::PlannerConfig& config) {
  return fingerprint + "\n" + planner::parameters_json(config).dump();
}

std::shared_ptr<const PlanService::Result> PlanService::cached(const std::string& key) {
  std::lock_guard lock(cache_mutex_);
  const auto now = std::chrono::steady_clock::now();
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->key != key) continue;
    if (now - it->computed > config_.planner_max_age) {
      entries_.erase(it);
      return nullptr;
    }
    entries_.splice(entries_.begin(), entries_, it);
    return it->result;
  }
  return nullptr;
}

std::shared_ptr<const PlanService::Result> PlanService::plan(const planner::PlannerConfig& config) {
  const std::string state = fleets_.fingerprint();
  const std::string key = cache_key(state, config);
  if (auto hit = cached(key)) {
    hits_.Increment();
    return hit;
  }
  std::lock_guard computing(compute_mutex_);
  if (auto hit = cached(key)) {  // computed by the request we waited for
    hits_.Increment();
    return hit;
  }
  {
    // A plan of an earlier fleet state is never served again (the fingerprint moves on with every
    // push), as FleetCache drops its snapshots: kept, up to kCachedPlans whole plans of the fleet
    // were held for nothing, the collector's RSS climbing ~12 MB at each refresh of a 2,000-host
    // fleet's plan. Dropped before the next plan is computed, not after: the cache then adds no
    // second plan to the heap, whose high-water mark is what the RSS keeps (bench/soak.sh,
    // docs/benchmarks.md, sessions 9, 11 and 12). PlanGauges keeps figures, not the plan, so
    // nothing else holds it unless a request is still answering from it.
    std::lock_guard lock(cache_mutex_);
    entries_.remove_if([&state](const Entry& e) { return !e.key.starts_with(state + "\n"); });
  }
  auto result = compute(config, state);
  std::lock_guard lock(cache_mutex_);
  entries_.push_front({key, result, std::chrono::steady_clock::now()});
  if (entries_.size() > kCachedPlans) entries_.pop_back();
  return result;
}

nlohmann::json PlanService::brief(const planner::PlannerConfig& config) {
  const std::string key = cache_key(fleets_.fingerprint(), config);
  {
    std::lock_guard lock(cache_mutex_);
    const auto it = briefs_.find(key);
    if (it != briefs_.end() &&
        std::chrono::steady_clock::now() - it->second.computed <= config_.planner_max_age) {
      return *it->second.figures;
    }
  }
  const auto result = plan(config);
  const auto& t = result->plan.totals;
  auto figures = std::make_shared<const nlohmann::json>(
      nlohmann::json{{"currency", result->plan.currency},
                     {"monthly_cost", std::round(t.monthly_cost * 100) / 100},
                     {"one_time_cost", std::round(t.one_time_cost * 100) / 100},
                     {"hosts", t.hosts},
                     {"strategies",
                      {{"rehost", t.rehost},
                       {"replatform", t.replatform},
                       {"retire", t.retire},
                       {"retain", t.retain},
                       {"flagged", t.flagged}}},
                     {"waves", result->plan.waves.size()}});
  std::lock_guard lock(cache_mutex_);
  if (briefs_.size() >= kCachedBriefs) briefs_.clear();
  briefs_[key] = {std::chrono::steady_clock::now(), figures};
  return *figures;
}

std::shared_ptr<const PlanService::Result> PlanService::compute(
    const planner::PlannerConfig& config, const std::string& fingerprint) {
  const auto started = std::chrono::steady_clock::now();
  const auto snapshot =
      fleets_.fleet(static_cast<std::int64_t>(config.sizing.window_days * 86'400));
  const planner::Fleet& exported = snapshot->fleet;
  auto result = std::make_shared<Result>();
  result->plan = planner::plan(exported, config, setup_->catalogs);
  result->summary = planner::plan_summary_json_text(result->plan);
  for (std::size_t i = 0; i < result->plan.hosts.size(); ++i) {
    result->index.emplace(result->plan.hosts[i].id, i);
  }
  result->computed_at = now_();
  result->missing_data = count_missing_data(exported);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  computations_.Increment();
  last_seconds_.Set(seconds);
  log::info("planned " + std::to_string(exported.hosts.size()) + " hosts in " +
            std::to_string(static_cast<int>(seconds * 1000)) + " ms (fleet " + fingerprint + ")");
  return result;
}

ApiRoute plan_route(PlanService& plans, const char* method, const char* path, MinRole role,
                    PlanHandler handler) {
  return ApiRoute{
      method, path, role,
      [&plans, handler](Context& c, const http::Request& r) { return handler(c, plans, r); },
      bounded_json::kSmallBodyBytes};
}

}  // namespace sahab::collector
