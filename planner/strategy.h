#pragma once
// Strategy rules (7R vocabulary) that do not depend on prices: explicit labels, unsupported
// platforms (retain) and idle or zombie servers (retire). Rehost versus replatform is decided
// when offers are priced (planner/plan.cpp), since it needs a managed offer in the catalogue.
#include <optional>
#include <string>
#include <vector>

#include "planner/config.h"
#include "planner/fleet.h"
#include "planner/plan.h"

namespace sahab::planner {

struct StrategyDecision {
  std::optional<Strategy> forced;  // retire or retain (or a label's choice); empty = price it
  std::vector<std::string> reasons;
};

// `clients` is the number of distinct hosts that connect to this one: a server others still
// use is never retired, however idle it looks.
StrategyDecision decide_strategy(const Host& host, const PlannerConfig& config, int clients);

// Minimum qualification level the host's classification requires (0 = any provider).
int required_qualification(const Host& host, const PlannerConfig& config);
bool provider_eligible(const Provider& provider, int required_level, const PlannerConfig& config);

}  // namespace sahab::planner
