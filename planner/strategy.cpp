#include "planner/strategy.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string_view>
#include <tuple>
#include <unordered_map>

#include "common/timestamp.h"
#include "planner/end_of_support.h"
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

// A ratio as a percentage with one decimal ("3.0" for 0.03).
Param pct(std::string name, double ratio) { return Param::number(std::move(name), ratio * 100, 1); }

std::optional<Strategy> strategy_named(const std::string& name) {
  const std::string n = lower(name);
  if (n == "retain") return Strategy::kRetain;
  if (n == "retire") return Strategy::kRetire;
  if (n == "rehost") return Strategy::kRehost;
  if (n == "replatform") return Strategy::kReplatform;
  return std::nullopt;
}

// A number of days to a tenth (40, 10.5).
Param days(std::string name, double value) {
  return Param::figure(std::move(name), std::round(value * 10) / 10);
}

// Why the utilisation is not retirement evidence for a prod or high-criticality host (none = it
// is).
std::vector<Message> evidence_gap(const Utilisation& u, const PlannerConfig& c) {
  std::vector<Message> gap;
  if (u.source.empty()) {
    gap.push_back(say("gap.source_not_stated"));
  } else if (!measured_source(u.source, c)) {
    gap.push_back(say("gap.not_measured", {{"source", u.source}}));
  }
  if (!u.window_days) {
    gap.push_back(say("gap.days_unknown", {days("needed", c.idle.evidence_min_days)}));
  } else if (*u.window_days + 1e-9 < c.idle.evidence_min_days) {
    gap.push_back(say("gap.few_days",
                      {days("days", *u.window_days), days("needed", c.idle.evidence_min_days)}));
  }
  return gap;
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
  std::vector<Message> over, source;
  if (u.window_days) over.push_back(say("evidence.over", {days("days", *u.window_days)}));
  if (!u.source.empty()) source.push_back(say("evidence.source", {{"source", u.source}}));
  const Param evidence =
      Param::list("evidence", {say("evidence.idle", {{"percentile", to_string(c.sizing.percentile)},
                                                     pct("cpu", *cpu),
                                                     pct("cpu_max", cpu_max),
                                                     pct("memory", *memory),
                                                     pct("network", network),
                                                     pct("coverage", coverage),
                                                     Param::list("over", over),
                                                     Param::list("source", source)})});
  if (clients > 0) {
    d.reasons.push_back(
        say("strategy.idle_but_used", {evidence, Param::number("clients", clients)}));
    return;
  }
  if (!zombie && !c.idle.retire_idle) return;
  const Param kind = Param::list("kind", {say(zombie ? "kind.zombie" : "kind.idle")});
  if (needs_retirement_evidence(host, c)) {
    if (const std::vector<Message> gap = evidence_gap(u, c); !gap.empty()) {
      const Message env = host.label("environment").empty()
                              ? say("environment.unlabelled")
                              : say("environment.label", {{"value", host.label("environment")}});
      std::vector<Message> crit;
      if (!host.label("criticality").empty())
        crit.push_back(say("criticality.label", {{"value", host.label("criticality")}}));
      d.forced = Strategy::kRetain;
      d.to_confirm = "retire";
      d.reasons.push_back(say("strategy.retire_to_confirm",
                              {kind, evidence, Param::list("environment", {env}),
                               Param::list("criticality", crit), Param::list("gap", gap)}));
      d.flags.push_back(say("strategy.flag_retire_to_confirm", {kind, Param::list("gap", gap)}));
      return;
    }
  }
  d.forced = Strategy::kRetire;
  d.reasons.push_back(say("strategy.retire", {kind, evidence}));
}

struct Known {
  std::string_view software;
  std::string_view processes;  // ';'-separated
  std::string_view ports;      // ';'-separated
};
// Process names and well-known ports of software the catalogues can replatform.
constexpr Known kKnown[] = {
    {"postgresql", "postgres;postmaster", "5432"},
    {"postgres", "postgres;postmaster", "5432"},
    {"mysql", "mysqld;mariadbd", "3306"},
    {"mariadb", "mariadbd;mysqld", "3306"},
    {"mysql-compatible", "mysqld;mariadbd", "3306"},
    {"mssql", "sqlservr", "1433"},
    {"sqlserver", "sqlservr", "1433"},
    {"oracle-database", "tnslsnr;oracle", "1521"},
    {"redis", "redis-server", "6379"},
    {"mongodb", "mongod", "27017"},
    {"tomcat", "java;tomcat", "8080;8443"},
};

std::vector<std::string_view> split(std::string_view text) {
  std::vector<std::string_view> out;
  while (!text.empty()) {
    const auto semi = text.find(';');
    out.push_back(text.substr(0, semi));
    if (semi == std::string_view::npos) break;
    text.remove_prefix(semi + 1);
  }
  return out;
}

bool contains(const std::string& haystack, std::string_view needle) {
  return !needle.empty() && haystack.find(needle) != std::string::npos;
}

}  // namespace

bool needs_retirement_evidence(const Host& host, const PlannerConfig& c) {
  const std::string env = lower(host.label("environment"));
  const auto& nonprod = c.waves.nonprod_environments;
  const bool prod = env.empty() || std::find(nonprod.begin(), nonprod.end(), env) == nonprod.end();
  return prod || listed(c.idle.evidence_criticalities, host.label("criticality"));
}

std::vector<std::vector<InboundPort>> inbound_by_port(const Fleet& fleet) {
  std::unordered_map<std::string_view, std::uint32_t> index;
  index.reserve(fleet.hosts.size());
  for (std::uint32_t i = 0; i < fleet.hosts.size(); ++i) index.emplace(fleet.hosts[i].id, i);
  // (target, port, source) triples, then summed per (target, port).
  struct Row {
    std::uint32_t target, source;
    int port;
    double per_day;
  };
  std::vector<Row> rows;
  rows.reserve(fleet.connections.size());
  for (const auto& c : fleet.connections) {
    const auto s = index.find(c.source), t = index.find(c.target);
    if (s == index.end() || t == index.end() || s->second == t->second) continue;
    rows.push_back({t->second, s->second, c.port, c.connections_per_day});
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) {
    return std::tie(a.target, a.port, a.source) < std::tie(b.target, b.port, b.source);
  });
  std::vector<std::vector<InboundPort>> out(fleet.hosts.size());
  for (std::size_t k = 0; k < rows.size(); ++k) {
    auto& ports = out[rows[k].target];
    if (ports.empty() || ports.back().port != rows[k].port) ports.push_back({rows[k].port, 0, 0});
    ports.back().connections_per_day += rows[k].per_day;
    if (k == 0 || rows[k - 1].target != rows[k].target || rows[k - 1].port != rows[k].port ||
        rows[k - 1].source != rows[k].source)
      ++ports.back().clients;
  }
  return out;
}

ServiceEvidence service_evidence(const Host& host, const Software& software,
                                 const std::vector<InboundPort>& inbound) {
  ServiceEvidence e;
  const std::string name = lower(software.name);
  std::vector<std::string_view> processes{name}, known_ports;
  for (const auto& k : kKnown) {
    if (k.software != name) continue;
    for (auto p : split(k.processes)) processes.push_back(p);
    known_ports = split(k.ports);
  }
  auto names_it = [&](const std::string& text) {
    const std::string l = lower(text);
    return std::any_of(processes.begin(), processes.end(),
                       [&](std::string_view p) { return contains(l, p); });
  };
  // Ports it listens on: sockets of its process, or its well-known ports.
  std::vector<int> ports;
  for (const auto& l : host.listening) {
    const std::string port = std::to_string(l.port);
    const bool known = std::find(known_ports.begin(), known_ports.end(), port) != known_ports.end();
    if ((names_it(l.process) || known) &&
        std::find(ports.begin(), ports.end(), l.port) == ports.end())
      ports.push_back(l.port);
  }
  std::sort(ports.begin(), ports.end());
  std::string service;
  for (const auto& s : host.services) {
    const std::string state = lower(s.state);
    if ((state == "running" || state == "active") && names_it(s.name)) service = s.name;
  }
  const std::string evidence = lower(software.evidence);
  e.running = !ports.empty() || !service.empty() || contains(evidence, "process ");
  const std::string what = software.name;
  if (!e.running) {
    // The package the agent saw ("package postgresql-15"), else the software and its version.
    std::string package = what + (software.version.empty() ? "" : " " + software.version);
    if (const auto at = evidence.find("package "); at != std::string::npos) {
      package = software.evidence.substr(at + 8);
      package = package.substr(0, package.find(';'));
    }
    e.text = say("service.installed", {{"package", package}});
    return e;
  }
  double per_day = 0;
  int clients = 0;
  for (const auto& in : inbound) {
    if (std::find(ports.begin(), ports.end(), in.port) == ports.end()) continue;
    per_day += in.connections_per_day;
    clients += in.clients;  // a host on two ports counts twice: rare, and only wording
  }
  std::string port_list;
  for (int p : ports) port_list += (port_list.empty() ? "" : ", ") + std::to_string(p);
  if (ports.empty()) {
    std::vector<Message> named;
    if (!service.empty()) named.push_back(say("service.name", {{"service", service}}));
    e.text = say("service.no_port", {{"software", what}, Param::list("service", named)});
    return e;
  }
  if (clients == 0) {
    e.text = say("service.no_clients", {{"software", what}, {"ports", port_list}});
    return e;
  }
  e.serving = true;
  e.text = say(clients == 1 ? "service.serving_one" : "service.serving",
               {{"software", what},
                {"ports", port_list},
                Param::number("per_day", per_day),
                Param::number("clients", clients)});
  return e;
}

namespace {

// A rehost carries the OS into the cloud as it is: one whose vendor support has ended by the first
// wave is flagged, so the move is planned with an upgrade or paid extended security updates; one
// whose support ends within a year of it is said in the reasons.
void check_end_of_support(const Host& host, const PlannerConfig& c, StrategyDecision& d) {
  const auto first_wave = parse_rfc3339(c.waves.start_date + "T00:00:00Z");
  if (!first_wave) return;  // refused by the configuration's checks before planning
  const auto support = end_of_life(host.os_name, host.os_version, *first_wave);
  if (!support.date) return;
  std::string os = host.os_name;
  if (!host.os_version.empty() && !contains(lower(os), lower(host.os_version))) {
    os += " " + host.os_version;
  }
  if (support.status == EndOfLife::kEnded) {
    d.flags.push_back(
        say("strategy.flag_os_end_of_support", {{"os", os}, {"date", *support.date}}));
  } else if (support.status == EndOfLife::kEndingSoon) {
    d.reasons.push_back(say("strategy.os_support_ending", {{"os", os}, {"date", *support.date}}));
  }
}

StrategyDecision forced_or_idle(const Host& host, const PlannerConfig& c, int clients) {
  StrategyDecision d;
  if (const auto forced = strategy_named(host.label(c.strategy.label))) {
    d.forced = forced;
    d.reasons.push_back(say(
        "strategy.label", {{"label", c.strategy.label}, {"value", host.label(c.strategy.label)}}));
    return d;
  }
  if (listed(c.strategy.retain_os_families, host.os_family)) {
    d.forced = Strategy::kRetain;
    d.reasons.push_back(say("strategy.os_family", {{"family", host.os_family}}));
    return d;
  }
  if (listed(c.strategy.retain_architectures, host.arch)) {
    d.forced = Strategy::kRetain;
    d.reasons.push_back(say("strategy.architecture", {{"arch", host.arch}}));
    return d;
  }
  check_idle(host, c, clients, d);
  return d;
}

}  // namespace

StrategyDecision decide_strategy(const Host& host, const PlannerConfig& c, int clients) {
  StrategyDecision d = forced_or_idle(host, c, clients);
  if (d.forced != Strategy::kRetire) check_end_of_support(host, c, d);
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
