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
#include <optional>
#include <string>
#include <vector>

#include "collector/api/plan_service.h"
#include "planner/fleet.h"
#include "planner/plan.h"

namespace sahab::collector {

// Hosts of `fleet` lacking data the planner then assumed, by what is missing: utilisation,
// cpu_cores, memory, disks, uplink, environment, region, and `any` (at least one of them).
std::map<std::string, double> count_missing_data(const planner::Fleet& fleet);

// What the gauges show of one plan, a few KB whatever the fleet's size: the families that do not
// depend on when they are scraped, and each wave's figures, since a wave's status moves with
// time without a new plan.
struct PlanFigures {
  struct Wave {
    std::string number;
    double hosts = 0;
    std::optional<std::int64_t> start, end;  // midnight UTC of its first and of its last day
  };
  std::vector<prometheus::MetricFamily> families;  // all but the waves'
  std::size_t waves_at = 0;                        // where the waves' families go among them
  std::vector<Wave> waves;
};

// The figures of one plan computed at `generated_at`.
PlanFigures plan_figures(const planner::Plan& plan, const std::map<std::string, double>& missing,
                         std::int64_t generated_at);

// The gauges of `figures`, their waves placed against `now` (unix s).
std::vector<prometheus::MetricFamily> plan_metrics(const PlanFigures& figures, std::int64_t now);

class PlanGauges : public prometheus::Collectable {
 public:
  explicit PlanGauges(std::function<std::int64_t()> now) : now_(std::move(now)) {}
  // Keeps the figures of `result`, not the plan: the refresh can then free the plan it showed
  // before it builds the next, instead of holding both (~14 MiB each at 2,000 hosts) at the
  // heap's high-water mark (docs/benchmarks.md, soak, session 12).
  void update(const PlanService::Result& result);
  // Nothing until a plan was handed over.
  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  std::function<std::int64_t()> now_;
  mutable std::mutex mutex_;
  std::shared_ptr<const PlanFigures> figures_;
};

// Keeps the default plan warm (the Plan, Costs and Overview pages then answer from the cache) and
// the gauges following it; the cache recomputes only when the fleet changed or the cached plan is
// older than planner.max_age. Run every planner.metrics_interval by the collector.
void refresh_plan_gauges(PlanService& plans, PlanGauges& gauges);

}  // namespace sahab::collector
