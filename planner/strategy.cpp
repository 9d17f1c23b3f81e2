#include "planner/strategy.h"

#include <algorithm>
#include <cstdio>

#include "planner/sizing.h"

namespace sahab::planner {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  return s;
}

bool listed(const std::vector<std::string>& list, const std::string& value) {
  return !value.empty() && std::find(list.begin(), list.end(), lower(value)) != list.end();
}

std::string pct(double ratio) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f%%", ratio * 100);
  return buffer;
}

std::optional<Strategy> strategy_named(const std::string& name) {
  const std::string n = lower(name);
  if (n == "retain") return Strategy::kRetain;
  if (n == "retire") return Strategy::kRetire;
  if (n == "rehost") return Strategy::kRehost;
  if (n == "replatform") return Strategy::kReplatform;
  return std::nullopt;
}

// Retire only on evidence: well-observed, and idle by every measure (Azure business case).
void check_idle(const Host& host, const PlannerConfig& c, int clients, StrategyDecision& d) {
  if (!host.utilisation) return;
  const Utilisation& u = *host.utilisation;
  const double coverage = u.coverage.value_or(0);
  Percentile used{};
  const auto cpu = at_percentile(u.cpu_ratio, c.sizing.percentile, &used);
  const auto memory = at_percentile(u.memory_ratio, c.sizing.percentile, &used);
  const auto rx = at_percentile(u.network_receive_bytes_per_second, c.sizing.percentile, &used);
  const auto tx = at_percentile(u.network_transmit_bytes_per_second, c.sizing.percentile, &used);
  if (!cpu || !memory || coverage < c.idle.min_coverage) return;
  const double network = (rx.value_or(0) + tx.value_or(0)) / c.idle.nic_bytes_per_second;
  const double cpu_max = u.cpu_ratio.max.value_or(*cpu);
  const bool quiet_network = network < c.idle.network_ratio;
  const bool zombie = cpu_max <= c.idle.zombie_cpu_max_ratio && quiet_network;
  const bool idle = *cpu < c.idle.cpu_ratio && *memory < c.idle.memory_ratio && quiet_network;
  if (!zombie && !idle) return;
  const std::string evidence = std::string(to_string(c.sizing.percentile)) + " CPU " + pct(*cpu) +
                               ", max CPU " + pct(cpu_max) + ", memory " + pct(*memory) +
                               ", network " + pct(network) + " of the NIC, coverage " +
                               pct(coverage);
  if (clients > 0) {
    d.reasons.push_back("looks idle (" + evidence + ") but " + std::to_string(clients) +
                        " hosts connect to it: kept");
    return;
  }
  if (zombie) {
    d.forced = Strategy::kRetire;
    d.reasons.push_back("zombie: " + evidence + ", no clients");
  } else if (c.idle.retire_idle) {
    d.forced = Strategy::kRetire;
    d.reasons.push_back("idle: " + evidence + ", no clients");
  }
}

}  // namespace

StrategyDecision decide_strategy(const Host& host, const PlannerConfig& c, int clients) {
  StrategyDecision d;
  if (const auto forced = strategy_named(host.label(c.strategy.label))) {
    d.forced = forced;
    d.reasons.push_back("label " + c.strategy.label + "=" + host.label(c.strategy.label));
    return d;
  }
  if (listed(c.strategy.retain_os_families, host.os_family)) {
    d.forced = Strategy::kRetain;
    d.reasons.push_back("OS family " + host.os_family + " has no cloud target");
    return d;
  }
  if (listed(c.strategy.retain_architectures, host.arch)) {
    d.forced = Strategy::kRetain;
    d.reasons.push_back("architecture " + host.arch + " has no cloud target");
    return d;
  }
  check_idle(host, c, clients, d);
  return d;
}

int required_qualification(const Host& host, const PlannerConfig& c) {
  const auto it = c.compliance.levels.find(lower(host.label(c.compliance.label)));
  return it == c.compliance.levels.end() ? 0 : it->second;
}

bool provider_eligible(const Provider& provider, int required_level, const PlannerConfig& c) {
  const auto& allowed = c.providers.allowed;
  if (!allowed.empty() &&
      std::find(allowed.begin(), allowed.end(), lower(provider.name)) == allowed.end()) {
    return false;
  }
  if (required_level == 0) return true;
  return provider.qualification >= required_level && provider.country == c.compliance.country;
}

}  // namespace sahab::planner
