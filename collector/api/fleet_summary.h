#pragma once
// GET /api/v1/fleet/summary: the Overview's figures computed in the collector (counts, totals,
// breakdowns, end of life, utilisation histograms), so the page does not download the whole fleet.
#include <cstdint>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "collector/api/context.h"
#include "collector/api/fleet_cache.h"

namespace sahab::collector {

// The Overview's and the Hosts table's figures, from the fleet `fleets` shares with the plan
// service. What depends only on that fleet and the day is computed once per fleet read; host
// states are read on every call.
class FleetSummary {
 public:
  FleetSummary(Context& ctx, FleetCache& fleets);

  // The summary over utilisation percentiles of the last `window` seconds (agent hosts; imported
  // hosts carry their own). Throws protocol::FleetError for a stored fleet the planner refuses.
  nlohmann::json summary(std::int64_t window);
  // One row per host with what the Hosts table shows (labels, OS label, cores, memory, storage,
  // CPU and memory p95, state): a fraction of the fleet document, computed the same way.
  nlohmann::json hosts_table(std::int64_t window);

 private:
  struct Memo {
    std::weak_ptr<const FleetCache::Snapshot> snapshot;  // weak: an old fleet is not kept for it
    std::int64_t day = 0;                                // end of life moves with the date
    nlohmann::json figures;
  };
  nlohmann::json figures(const std::shared_ptr<const FleetCache::Snapshot>& snapshot,
                         std::int64_t now);

  Context& ctx_;
  FleetCache& fleets_;
  std::mutex mutex_;
  std::vector<Memo> memo_;  // at most FleetCache::kKept, one per window
};

// GET /api/v1/fleet/summary?window=30d and GET /api/v1/fleet/hosts?window=30d (same reader rights
// as /api/v1/fleet).
void register_fleet_summary_routes(http::Server& server, Context& ctx, FleetCache& fleets);

}  // namespace sahab::collector
