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

namespace sahab::planner {

enum class Strategy { kRehost, kReplatform, kRetire, kRetain };
const char* to_string(Strategy strategy);

// Pricing options, in the order of CommitmentCosts.
inline const std::array<std::string, 3> kCommitments = {"on-demand", "1y", "3y"};
using CommitmentCosts = std::array<double, 3>;

struct MonthlyCost {
  double compute = 0;
  double storage = 0;
  double egress = 0;
  double licences = 0;
  double total() const { return compute + storage + egress + licences; }
  MonthlyCost& operator+=(const MonthlyCost& other);
};

// Today's monthly cost of a server on premises, by category (docs/costs.md), in the plan currency.
struct OnPremisesCost {
  double hardware = 0;    // purchase depreciated
  double storage = 0;     // per GB-month of its tier
  double power = 0;       // power and cooling (PUE)
  double licences = 0;    // Windows Server, SQL Server, RHEL
  double support = 0;     // hardware support/maintenance contract
  double backup = 0;      // backup software and backup storage
  double operations = 0;  // security, monitoring and patching tools
  double facility = 0;    // room, UPS, racks
  double staff = 0;       // share of an administrator
  double total() const {
    return hardware + storage + power + licences + support + backup + operations + facility + staff;
  }
  OnPremisesCost& operator+=(const OnPremisesCost& other);
};
// Category names in the plan's order, and the value of each.
inline constexpr std::array<const char*, 9> kOnPremisesCategories = {
    "hardware", "storage",    "power",    "licences", "support",
    "backup",   "operations", "facility", "staff"};
std::array<double, 9> categories(const OnPremisesCost& cost);

// A cost figure outside its plausible band, with the assumption that drives it.
struct CostWarning {
  std::string check;       // server_cost_high | server_cost_low | fleet_cost_high | ...
  std::string detail;      // a sentence an architect can read
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

struct DiskTarget {
  std::string tier;
  double size_gib = 0;
  double monthly_cost = 0;
};

struct Target {
  std::string provider;
  std::string instance;
  std::string series;
  std::string managed_service;  // set when replatformed
  double vcpu = 0;
  double memory_gib = 0;
  std::vector<DiskTarget> disks;
};

// One thing that moved a host's confidence: its name (coverage, days_of_data, source,
// assumed_values, sizing_mode), the value seen and its effect in stars. The confidence is
// 5 plus the sum of the effects, kept within 1..5.
struct ConfidenceFactor {
  std::string name;
  std::string value;
  int effect = 0;
};

struct HostPlan {
  std::string id, hostname, region, province, commune, environment, criticality, sensitivity;
  Strategy strategy = Strategy::kRehost;
  std::vector<std::string> reasons;  // why this target, this strategy, these numbers
  std::vector<std::string> flags;    // problems an architect must look at
  int confidence = 1;                // 1..5 stars from data coverage
  std::vector<ConfidenceFactor> confidence_factors;
  std::string to_confirm;  // "retire": looks idle, but the evidence is too weak to retire it
  double needed_vcpu = 0;
  double needed_memory_gib = 0;
  std::optional<Target> target;
  MonthlyCost monthly;                      // in the plan currency, chosen commitment
  double monthly_on_demand = 0;             // the same target on demand, for comparison
  CommitmentCosts monthly_by_commitment{};  // the same target under each pricing option
  double on_premises_monthly_cost = 0;      // today's TCO estimate (on_premises.total())
  OnPremisesCost on_premises;               // the same by category
  double one_time_cost = 0;
  double transfer_gb = 0;
  double transfer_hours = 0;
  bool shared_infrastructure = false;
  int group = -1;  // index into Plan::groups; -1 when the host does not move
  int wave = 0;    // 1-based; 0 when the host does not move
};

struct MoveGroup {
  std::string id;
  // What a person calls it: its main application and commune, else its first host, and the
  // number of hosts ("etat-civil, Berrechid (4 hosts)").
  std::string name;
  std::vector<std::uint32_t> hosts;
  int wave = 0;
};

// A dependency between two moving hosts that ended up in different move groups.
struct CutDependency {
  std::uint32_t source = 0;
  std::uint32_t target = 0;
  double connections_per_day = 0;
  double bytes_per_day = 0;
  bool strong = false;
};

struct Wave {
  int number = 0;
  std::vector<std::uint32_t> hosts;
  std::vector<std::uint32_t> groups;
  double monthly_cost = 0;
  double one_time_cost = 0;
  double transfer_gb = 0;
  double transfer_hours = 0;  // the longest site's copy time in this wave
  std::string start, end;
  std::string after_blackout;  // the waves.blackouts period it was moved past, if any
  bool pilot = false;
  std::string environment;  // nonprod | prod | mixed
};

// A constraint the plan could not meet, or a rule it applied that an architect must know.
// `constraint` and `detail` are the historical fields; the rest say exactly what is affected,
// why it cannot be met and what would fix it.
struct Violation {
  Violation() = default;
  Violation(std::string constraint_, std::string detail_)
      : constraint(std::move(constraint_)), detail(std::move(detail_)) {}
  std::string constraint;  // "dependency order", "transfer window", ...
  std::string detail;
  std::string kind;                  // machine token: dependency-order, transfer-window, ...
  std::vector<std::uint32_t> hosts;  // affected hosts (fleet indices)
  std::vector<int> groups;           // affected move groups (indices into Plan::groups)
  std::vector<int> waves;            // affected waves (1-based)
  std::string reason;                // why it cannot be met
  std::string fix;                   // what would make it satisfiable
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
  std::vector<std::string> rules;        // rules applied (compliance, shared infrastructure, ...)
  std::vector<std::string> assumptions;  // fleet-wide assumptions with counts
  std::vector<std::string> providers;    // every catalogue provider (providers.allowed picks)
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
