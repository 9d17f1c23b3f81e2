#pragma once
// Costs: today's on-premises cost per server by category (docs/costs.md: every default with its
// source), link transfer times, one-time migration costs, the roll-ups per wave, commune, region
// and in total (sums of the per-host figures, so they always add up), the plausibility check of
// those figures and the business case over time.
#include "planner/config.h"
#include "planner/fleet.h"
#include "planner/plan.h"

namespace sahab::planner {

// Monthly on-premises cost of a host in the plan currency, by category: hardware depreciated,
// storage of its tier, power and cooling, licences found on it, support, backup, operations tools,
// facility and a share of an administrator.
OnPremisesCost on_premises_costs(const Host& host, const PlannerConfig& config);
// The same, in total.
double on_premises_monthly_cost(const Host& host, const PlannerConfig& config);

// Hours to copy `gigabytes` (10^9 bytes) over an uplink of `mbps` megabits per second.
double transfer_hours(double gigabytes, double mbps, const PlannerConfig& config);

double one_time_cost(const HostPlan& host, const PlannerConfig& config);

// Figures outside the bands of `plausibility.*`, each naming the assumption that drives it.
// Needs the totals (roll_up_costs).
std::vector<CostWarning> plausibility_warnings(const Plan& plan);

// Cost per calendar month from the first wave's start: the on-premises estate shrinking as waves
// complete, the cloud growing from each wave's start (dual running during the wave), one-time
// costs spread over each wave's days; cumulative savings against staying on premises and the
// break-even month. Needs the waves' dates and the totals.
BusinessCase business_case(const Plan& plan);

// Fills waves' costs, by_region, by_commune and totals from the hosts, then the business case and
// the plausibility warnings.
void roll_up_costs(Plan& plan);

}  // namespace sahab::planner
