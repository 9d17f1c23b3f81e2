#pragma once
// Plans of the collector's fleet for /api/v1/plan and the scenarios: the planner configuration
// loaded at start-up, what-if parameters applied over it, and a few recent plans kept in memory.
//
// Cache key: the fleet's fingerprint (FleetCache, which also holds the fleet the plans are made
// from) and the canonical parameters (every key's value after the what-if, so two spellings of
// the same what-if share a plan). Entries older than planner.max_age are recomputed too, since
// utilisation moves without changing the fingerprint. One plan is computed at a time; a request
// for a plan being computed waits for it.
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include <chrono>
#include <functional>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "collector/api/context.h"
#include "collector/api/fleet_cache.h"
#include "collector/api/router.h"
#include "collector/api/telemetry.h"
#include "collector/config.h"
#include "collector/store/store.h"
#include "planner/plan.h"

namespace sahab::collector {

class PlanService {
 public:
  struct Result {
    planner::Plan plan;
    std::string summary;                                 // sahab-plan-summary/1 text
    std::unordered_map<std::string, std::size_t> index;  // host id -> position in plan.hosts
    std::int64_t computed_at = 0;                        // unix seconds
    std::map<std::string, double> missing_data;          // see count_missing_data
  };

  // `setup` is empty when no planner configuration or catalogue could be found; planning then
  // answers 503 with `unavailable`.
  PlanService(FleetCache& fleets, const CollectorConfig& config,
              std::optional<planner::PlannerSetup> setup, std::string unavailable,
              Telemetry& telemetry, std::function<std::int64_t()> now);

  bool available() const { return setup_.has_value(); }
  const std::string& unavailable_reason() const { return unavailable_; }
  // Every catalogued provider (what providers.allowed picks from); call when available().
  std::vector<std::string> providers() const {
    std::vector<std::string> names;
    for (const auto& provider : setup_->catalogs.providers) names.push_back(provider.name);
    return names;
  }

  // The configured parameters with `parameters` (a partial planner.yaml as JSON; null = none)
  // applied. Throws settings::ConfigError naming "parameters.<key>".
  planner::PlannerConfig configure(const nlohmann::json& parameters) const;

  // The plan of the current fleet under `config`, from the cache when it is still valid.
  std::shared_ptr<const Result> plan(const planner::PlannerConfig& config);

  // A scenario list's figures of a plan (totals, strategies, waves): kept apart from the plans,
  // for many more configurations, so listing scenarios does not evict the plans being viewed.
  nlohmann::json brief(const planner::PlannerConfig& config);

  // The cache key of `config` for the fleet state `fingerprint` (exposed for tests).
  static std::string cache_key(const std::string& fingerprint,
                               const planner::PlannerConfig& config);
  static constexpr std::size_t kCachedPlans = 4;

 private:
  struct Entry {
    std::string key;
    std::shared_ptr<const Result> result;
    std::chrono::steady_clock::time_point computed;
  };
  std::shared_ptr<const Result> cached(const std::string& key);
  std::shared_ptr<const Result> compute(const planner::PlannerConfig& config,
                                        const std::string& fingerprint);
  FleetCache& fleets_;
  const CollectorConfig& config_;
  std::optional<planner::PlannerSetup> setup_;
  std::string unavailable_;
  std::function<std::int64_t()> now_;
  prometheus::Counter& computations_;
  prometheus::Counter& hits_;
  prometheus::Gauge& last_seconds_;

  std::mutex compute_mutex_;  // held while a plan is computed: one at a time
  std::mutex cache_mutex_;
  std::list<Entry> entries_;  // most recently used first; at most kCachedPlans
  struct Brief {
    std::chrono::steady_clock::time_point computed;
    std::shared_ptr<const nlohmann::json> figures;
  };
  std::unordered_map<std::string, Brief> briefs_;  // at most kCachedBriefs
  static constexpr std::size_t kCachedBriefs = 256;
};

// GET|POST /api/v1/plan, /api/v1/plan/summary, GET /api/v1/plan/hosts/{id}, /api/v1/scenarios.
void register_plan_routes(http::Server& server, Context& context, PlanService& plans);

// GET /api/v1/plan/groups: per-host strategy/group/wave, move groups, shared infrastructure and
// cut dependencies of the current plan (collector/api/plan_groups_routes.cpp).
void register_plan_groups_routes(http::Server& server, Context& context, PlanService& plans);

// A route taking a small JSON body at most (bounded_json::kSmallBodyBytes) whose handler also
// takes the plan service: the plan, scenarios and baselines.
using PlanHandler = http::Response (*)(Context&, PlanService&, const http::Request&);
ApiRoute plan_route(PlanService& plans, const char* method, const char* path, MinRole role,
                    PlanHandler handler);

}  // namespace sahab::collector
