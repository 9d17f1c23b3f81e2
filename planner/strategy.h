#pragma once
// Strategy rules (7R vocabulary) that do not depend on prices: explicit labels, unsupported
// platforms (retain) and idle or zombie servers (retire). Rehost versus replatform is decided
// when offers are priced (planner/plan.cpp), since it needs a managed offer in the catalogue.
#include <optional>
#include <string>
#include <vector>

#include "planner/config.h"
#include "planner/fleet.h"
#include "planner/host_plan.h"

namespace sahab::planner {

struct StrategyDecision {
  std::optional<Strategy> forced;  // retire or retain (or a label's choice); empty = price it
  std::vector<Message> reasons;
  std::vector<Message> flags;
  std::string to_confirm;  // "retire": idle, but no evidence strong enough to retire it
};

// `clients` is the number of distinct hosts that connect to this one: a server others still
// use is never retired, however idle it looks. A production or high-criticality server is
// retired only on evidence (idle.evidence_*); without it, it is retained with to_confirm.
StrategyDecision decide_strategy(const Host& host, const PlannerConfig& config, int clients);

// Whether the host is production (environment not in waves.nonprod_environments, or none) or
// of a criticality in idle.evidence_criticalities: its retirement needs evidence.
bool needs_retirement_evidence(const Host& host, const PlannerConfig& config);

// Traffic a host receives on one port, from the fleet's connections.
struct InboundPort {
  int port = 0;
  double connections_per_day = 0;
  int clients = 0;  // distinct source hosts
};
// Per host (fleet order), its inbound traffic per port, sorted by port. Connections naming
// unknown hosts or a host to itself are ignored.
std::vector<std::vector<InboundPort>> inbound_by_port(const Fleet& fleet);

// Whether recognised software runs and serves clients, and the sentence that says so:
// "postgresql listens on 5432 and served 1,440 connections a day from 3 hosts",
// "postgresql-15 installed but not running". Running = a running service named after it, a
// listening socket of its process or well-known port, or a process in the agent's evidence.
struct ServiceEvidence {
  bool running = false;
  bool serving = false;
  Message text;
};
ServiceEvidence service_evidence(const Host& host, const Software& software,
                                 const std::vector<InboundPort>& inbound);

// Minimum qualification level the host's classification requires (0 = any provider).
int required_qualification(const Host& host, const PlannerConfig& config);
bool provider_eligible(const Provider& provider, int required_level, const PlannerConfig& config);

}  // namespace sahab::planner
