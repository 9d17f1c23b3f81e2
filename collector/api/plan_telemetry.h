#pragma once
// The collector's current migration plan as Prometheus gauges (the Grafana "Migration readiness"
// dashboard): hosts by strategy and region, hosts per wave with the wave's status by the plan's
// schedule, wave dates, confidence distribution, hosts with missing data, costs.
//
// Wave progress is read from the plan's own schedule: a wave is `scheduled` before its start
// date, `in_progress` from its start to the end of its last day, `completed` afterwards (UTC).
// Scraping never computes a plan: PlanGauges shows the plan last handed to update(), which the
// collector does in the background every planner.metrics_interval from PlanService's cache.
#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "collector/api/plan_service.h"
#include "planner/fleet.h"
#include "planner/plan.h"

namespace sahab::collector {

// Hosts of `fleet` lacking data the planner then assumed, by what is missing: utilisation,
// cpu_cores, memory, disks, uplink, environment, region, and `any` (at least one of them).
std::map<std::string, double> count_missing_data(const planner::Fleet& fleet);

// The gauges of one plan computed at `generated_at`, its waves placed against `now` (unix s).
std::vector<prometheus::MetricFamily> plan_metrics(const planner::Plan& plan,
                                                   const std::map<std::string, double>& missing,
                                                   std::int64_t generated_at, std::int64_t now);

class PlanGauges : public prometheus::Collectable {
 public:
  explicit PlanGauges(std::function<std::int64_t()> now) : now_(std::move(now)) {}
  void update(std::shared_ptr<const PlanService::Result> result);
  // Nothing until a plan was handed over.
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::function<std::int64_t()> now_;
  mutable std::mutex mutex_;
  std::shared_ptr<const PlanService::Result> result_;
};

}  // namespace sahab::collector
