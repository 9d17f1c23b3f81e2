#pragma once
// Execution tracking behind the API (docs/execution.md): baselines of the plan
// (baseline_routes.cpp), the migration state of hosts, waves and move groups, the progress
// report (migration_routes.cpp) and the sahab_migration_* gauges (migration_telemetry.cpp).
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <variant>
#include <vector>

#include "collector/api/context.h"
#include "collector/api/plan_service.h"
#include "collector/api/validation.h"
#include "collector/store/migration.h"

namespace sahab::collector {

// POST|GET /api/v1/baselines, GET /api/v1/baselines/{id}, /baselines/{id}/diff,
// POST /api/v1/baselines/{id}/waves/{n}/adopt.
void register_baseline_routes(http::Server& server, Context& context, PlanService& plans);
// GET /api/v1/waves, /waves/{n} (with each linked host's validation), /retirements, /progress,
// /hosts/{id}/migration; POST /waves/{n}/status, /move-groups/{id}/status, /hosts/{id}/migration.
void register_migration_routes(http::Server& server, Context& context,
                               ValidationCache& validations);

// An amount as the API answers it: rounded to the centime.
inline double money(double value) { return std::round(value * 100) / 100; }

// The {n} of a wave route: a positive integer, or the 400 naming it.
std::variant<int, http::Response> requested_wave(const http::Request& request);

// The progress figures of a set of tracked hosts (a region, a province, a commune, everything),
// added up from the store's rows: the API's progress report and the gauges use the same sums.
struct ProgressFigures {
  std::map<std::string, std::int64_t> hosts;  // by state, every state present
  std::int64_t moving_hosts = 0;              // in a wave (the others the plan retires in place)
  std::int64_t moved = 0;                     // moving hosts cut over or later
  std::int64_t validated = 0;                 // moving hosts validated or later (retired)
  double planned_monthly_cost = 0;            // the baseline's cloud cost of these hosts
  double committed_monthly_cost = 0;          // the same of the hosts cut over or later
  std::int64_t retired_servers = 0;           // on-premises servers switched off
  std::int64_t retired_in_place = 0;          // of them, those the plan retires (no wave)
  double retired_on_premises_monthly_cost = 0;
  ProgressFigures();
  void add(const ProgressRow& row);
  std::int64_t tracked() const;  // hosts in any state
};

// The figures of every place, as the plan groups hosts: regions ({region}), provinces ({region,
// province}) and communes ({region, province, commune}), and the total.
inline constexpr const char* kPlaceLevels[] = {"region", "province", "commune"};
struct ProgressLevels {
  ProgressFigures total;
  std::map<std::vector<std::string>, ProgressFigures> regions, provinces, communes;
};
ProgressLevels progress_levels(const std::vector<ProgressRow>& rows);

// sahab_migration_hosts{state,region} and sahab_migration_cost_mad{kind,region} of the active
// baseline, read from the store at each scrape (one grouped query); nothing without a baseline.
class MigrationGauges : public prometheus::Collectable {
 public:
  explicit MigrationGauges(Store& store) : store_(store) {}
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  Store& store_;
};

}  // namespace sahab::collector
