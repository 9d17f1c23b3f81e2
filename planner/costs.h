#pragma once
// Costs: today's on-premises TCO per server (Azure business-case defaults, all configurable),
// link transfer times, one-time migration costs, and the roll-ups per wave, commune, region and
// in total. Roll-ups are sums of the per-host figures, so they always add up.
#include "planner/config.h"
#include "planner/fleet.h"
#include "planner/plan.h"

namespace sahab::planner {

// Monthly on-premises cost of a host in the plan currency: depreciated hardware, storage,
// security/monitoring/patching/backup, and power (cores × kWh × load factor × PUE).
double on_premises_monthly_cost(const Host& host, const PlannerConfig& config);

// Hours to copy `gigabytes` (10^9 bytes) over an uplink of `mbps` megabits per second.
double transfer_hours(double gigabytes, double mbps, const PlannerConfig& config);

double one_time_cost(const HostPlan& host, const PlannerConfig& config);

// Fills waves' costs, by_region, by_commune and totals from the hosts.
void roll_up_costs(Plan& plan);

}  // namespace sahab::planner
