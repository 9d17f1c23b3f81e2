#pragma once
// The planner's entry point and its result, serialised as sahab-plan/1.
//
//   fleet → sizing (per host, per eligible provider) → strategy → move groups → waves → costs
//
// Hosts are referred to by their index in the fleet everywhere inside the plan, so grouping and
// wave planning run on integer arrays even for 100,000 servers.
#include <array>
#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "planner/catalog.h"
#include "planner/config.h"
#include "planner/fleet.h"
#include "planner/host_plan.h"
#include "planner/schedule.h"

namespace sahab::planner {

// A cost figure outside its plausible band, with the assumption that drives it.
struct CostWarning {
  std::string check;       // server_cost_high | server_cost_low | fleet_cost_high | ...
  Message detail;          // a sentence an architect can read
  std::string assumption;  // the planner.yaml key behind the figure ("" when none dominates)
  double value = 0;        // the figure checked
};

// One month of the business case (plan currency).
struct BusinessMonth {
  int month = 0;           // 1-based from the programme's first month
  std::string date;        // YYYY-MM
  double on_premises = 0;  // estate still running on premises (shrinks as waves complete)
  double cloud = 0;        // moved hosts in the cloud (from their wave's start: dual running)
  double one_time = 0;     // migration costs spread over each wave's days
  double baseline = 0;     // everything staying on premises
  double total() const { return on_premises + cloud + one_time; }
  double savings = 0;             // baseline - total
  double cumulative_savings = 0;  // sum of savings so far
};

struct BusinessCase {
  std::vector<BusinessMonth> months;
  int break_even_month = 0;  // first month from which cumulative savings stay >= 0; 0 = never
  std::string break_even_date;
  double payback_months = -1;         // one-time cost / steady monthly savings; -1 = no savings
  double steady_monthly_savings = 0;  // today - (cloud + retained)
};

struct CostRollup {
  std::string key;
  int hosts = 0;
  double monthly_cost = 0;
  double on_premises_monthly_cost = 0;
  double one_time_cost = 0;
};

struct Totals {
  double monthly_cost = 0;  // cloud, chosen commitment
  double monthly_cost_on_demand = 0;
  CommitmentCosts monthly_cost_by_commitment{};
  double one_time_cost = 0;
  double on_premises_monthly_cost = 0;           // every host today
  double retained_on_premises_monthly_cost = 0;  // hosts that stay
  double monthly_difference = 0;                 // (cloud + retained) - today; negative = savings
  MonthlyCost breakdown;
  OnPremisesCost on_premises;  // on premises today, by category
  int hosts = 0, rehost = 0, replatform = 0, retire = 0, retain = 0, flagged = 0;
  int retire_to_confirm = 0;  // retained until the owner confirms the retirement
};

struct Plan {
  std::string currency;
  PlannerConfig config;
  std::vector<HostPlan> hosts;  // same order as the fleet
  std::vector<MoveGroup> groups;
  std::vector<CutDependency> cut_dependencies;
  std::vector<std::uint32_t> shared_infrastructure;
  std::vector<Wave> waves;
  std::vector<CostRollup> by_region, by_commune;
  std::vector<Violation> violations;
  std::vector<Message> rules;          // rules applied (compliance, shared infrastructure, ...)
  std::vector<Message> assumptions;    // fleet-wide assumptions with counts
  std::vector<std::string> providers;  // every catalogue provider (providers.allowed picks)
  std::size_t ignored_connections = 0;
  Totals totals;
  std::vector<CostWarning> warnings;  // implausible cost figures (costs.cpp)
  BusinessCase business_case;
};

// Plans a fleet. Deterministic: the same inputs give the same plan, byte for byte.
Plan plan(const Fleet& fleet, const PlannerConfig& config, const Catalogs& catalogs);

inline constexpr const char* kPlanFormat = "sahab-plan/1";
// The plan as sahab-plan/1 JSON text, written in one pass (what the CLI and the API send).
std::string plan_json_text(const Plan& plan);
// The plan without per-host lists (sahab-plan-summary/1): totals, strategies, costs by resource,
// commitment, wave, region and commune, waves with counts, schedule, constraint reports (the
// first 200 and counts per constraint). A few hundred KB for 10,000 hosts.
inline constexpr const char* kPlanSummaryFormat = "sahab-plan-summary/1";
std::string plan_summary_json_text(const Plan& plan);
// One host's entry of the plan, as in sahab-plan/1's "hosts", with the cut dependencies that
// touch it (sahab-plan-host/1). `index` is the host's position in the fleet.
inline constexpr const char* kPlanHostFormat = "sahab-plan-host/1";
std::string host_plan_json_text(const Plan& plan, std::size_t index);
// The same document as a tree, for callers that edit or embed it.
nlohmann::json plan_to_json(const Plan& plan);

}  // namespace sahab::planner
