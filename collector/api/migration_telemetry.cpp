// sahab_migration_* gauges (the Grafana "Migration progress" dashboard): the active baseline's
// tracked hosts by state and region, and its monthly cloud cost planned and committed by region.
#include <map>

#include "collector/api/execution.h"
#include "collector/api/gauge_family.h"

namespace sahab::collector {

std::vector<prometheus::MetricFamily> MigrationGauges::Collect() const {
  const auto rows = store_.read([](Database& db) -> std::vector<ProgressRow> {
    const auto baseline = active_baseline(db);
    return baseline ? progress_rows(db, baseline->id) : std::vector<ProgressRow>{};
  });
  if (rows.empty()) return {};
  auto hosts = gauge_family(
      "sahab_migration_hosts",
      "Tracked hosts of the active baseline (in a wave or retired in place) by migration "
      "state and region.");
  auto cost = gauge_family("sahab_migration_cost_mad",
                           "Monthly cloud cost of the active baseline's hosts by region: planned "
                           "(all of them) and committed (cut over, validated or retired).");
  for (const auto& [place, figures] : progress_levels(rows).regions) {
    const std::string& region = place[0];
    for (const auto& [state, n] : figures.hosts) {
      add_gauge(hosts, {{"region", region}, {"state", state}}, static_cast<double>(n));
    }
    add_gauge(cost, {{"kind", "planned"}, {"region", region}}, figures.planned_monthly_cost);
    add_gauge(cost, {{"kind", "committed"}, {"region", region}}, figures.committed_monthly_cost);
  }
  return {std::move(hosts), std::move(cost)};
}

}  // namespace sahab::collector
