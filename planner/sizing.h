#pragma once
// Right-sizing (Azure Migrate's method): per resource, the chosen utilisation percentile times
// the comfort factor; disks first (cheapest tier meeting size, IOPS and throughput), then the
// cheapest instance meeting vCPU and memory. "As-is" copies the allocated resources.
#include <optional>
#include <string>
#include <vector>

#include "planner/catalog.h"
#include "planner/config.h"
#include "planner/fleet.h"
#include "planner/host_plan.h"

namespace sahab::planner {

// What a host needs, whichever provider it lands on.
struct Requirement {
  double vcpu = 0;
  double memory_gib = 0;
  std::vector<double> disk_gib;  // one per disk
  double iops = 0;               // whole host, spread over disks by size
  double mbps = 0;
  double egress_gib_month = 0;
  double allocated_disk_gib = 0;
  double transfer_gb = 0;  // data to copy (used bytes, else allocated)
  bool windows = false;
  bool sql_server = false;
  int confidence = 1;
  std::vector<ConfidenceFactor> confidence_factors;  // 5 + sum of effects = confidence (1..5)
  std::vector<Message> reasons;
  std::vector<Message> assumed;  // the inventory values assumed
};

Requirement size_host(const Host& host, const PlannerConfig& config);

// Stars from the share of expected data points present: 0–20 % = 1 … 81–100 % = 5.
int confidence_stars(double coverage);

// Whether `source` (utilisation.source) is one of idle.evidence_sources.
bool measured_source(const std::string& source, const PlannerConfig& config);

// The value at the configured percentile, or the next higher one present (more conservative).
std::optional<double> at_percentile(const Percentiles& p, Percentile wanted, Percentile* used);

struct Offer {
  Target target;
  MonthlyCost monthly;                      // chosen commitment, plan currency
  double monthly_on_demand = 0;             // same target on demand
  CommitmentCosts monthly_by_commitment{};  // same target under each option of kCommitments
};

// The cheapest way to host the requirement on one provider; `managed` prices it as a managed
// service. nullopt when nothing in the catalogue fits (the reason is written to `why_not`).
std::optional<Offer> price_on(const Requirement& need, const Provider& provider,
                              const PlannerConfig& config, const ManagedService* managed,
                              Message* why_not);

}  // namespace sahab::planner
