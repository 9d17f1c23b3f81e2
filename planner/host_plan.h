#pragma once
// One host's part of a plan: its strategy, target, costs (cloud and on premises) and confidence,
// what sizing, strategy and costs fill in (planner/plan.h gathers them into a Plan).
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "planner/message.h"

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
  Message words;  // the value as a message, when it is words rather than a figure
};

struct HostPlan {
  std::string id, hostname, region, province, commune, environment, criticality, sensitivity;
  Strategy strategy = Strategy::kRehost;
  std::vector<Message> reasons;  // why this target, this strategy, these numbers
  std::vector<Message> flags;    // problems an architect must look at
  int confidence = 1;            // 1..5 stars from data coverage
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

}  // namespace sahab::planner
