#pragma once
// GET /api/v1/fleet/summary: the Overview's figures computed in the collector (counts, totals,
// breakdowns, end of life, utilisation histograms), so the page does not download the whole fleet.
#include <cstdint>
#include <nlohmann/json.hpp>

#include "collector/api/context.h"
#include "collector/api/fleet_cache.h"

namespace sahab::collector {

// The summary over utilisation percentiles of the last `window` seconds (agent hosts; imported
// hosts carry their own), from the fleet `fleets` shares with the plan service.
nlohmann::json fleet_summary(Context& ctx, FleetCache& fleets, std::int64_t window);

// One row per host with what the Hosts table shows (labels, OS label, cores, memory, storage,
// CPU and memory p95, state): a fraction of the fleet document, computed the same way.
nlohmann::json fleet_hosts_table(Context& ctx, FleetCache& fleets, std::int64_t window);

// GET /api/v1/fleet/summary?window=30d and GET /api/v1/fleet/hosts?window=30d (same reader rights
// as /api/v1/fleet).
void register_fleet_summary_routes(http::Server& server, Context& ctx, FleetCache& fleets);

}  // namespace sahab::collector
