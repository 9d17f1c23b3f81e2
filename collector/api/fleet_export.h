#pragma once
// sahab-fleet/1 (BRIEF §3): the interchange with the planner. Agent hosts are described from their
// inventory and utilisation percentiles over a window; imported hosts as they were imported.
#include <nlohmann/json.hpp>

#include "collector/api/context.h"

namespace sahab::collector {

nlohmann::json export_fleet(Context& context, std::int64_t window_seconds);

// The fleet host object of an agent host from its inventory sections (without utilisation).
nlohmann::json host_from_inventory(const nlohmann::json& sections);

}  // namespace sahab::collector
