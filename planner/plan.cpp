#include "planner/plan.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>
#include <unordered_map>

#include "planner/costs.h"
#include "planner/grouping.h"
#include "planner/sizing.h"
#include "planner/strategy.h"
#include "planner/waves.h"

namespace sahab::planner {
namespace {

std::string join_blackouts(const std::vector<std::string>& periods) {
  std::string out;
  for (const auto& p : periods) out += (out.empty() ? "" : ", ") + p;
  return out;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), ::tolower);
  return s;
}

// The managed service of `provider` that replaces one of `software` (lower-case names), if any.
const ManagedService* managed_for(const std::vector<std::string>& software,
                                  const Provider& provider) {
  for (const auto& name : software) {
    for (const auto& service : provider.managed_services) {
      if (std::find(service.software.begin(), service.software.end(), name) !=
          service.software.end()) {
        return &service;
      }
    }
  }
  return nullptr;
}

class Planner {
 public:
  Planner(const Fleet& fleet, const PlannerConfig& config, const Catalogs& catalogs)
      : fleet_(fleet), c_(config), catalogs_(catalogs) {}

  Plan run() {
    validate(c_);
    plan_.currency = c_.costs.currency;
    plan_.config = c_;
    for (const auto& provider : catalogs_.providers) plan_.providers.push_back(provider.name);
    const DependencyGraph graph = build_dependency_graph(fleet_);
    plan_.ignored_connections = graph.ignored;
    inbound_ = inbound_by_port(fleet_);
    plan_.hosts.resize(fleet_.hosts.size());
    for (std::size_t i = 0; i < fleet_.hosts.size(); ++i) plan_host(i, graph.clients[i]);
    group_and_schedule(graph);
    roll_up_costs(plan_);
    for (const auto& h : plan_.hosts) plan_.totals.retire_to_confirm += h.to_confirm == "retire";
    write_rules();
    return std::move(plan_);
  }

 private:
  void plan_host(std::size_t i, int clients) {
    const Host& h = fleet_.hosts[i];
    HostPlan& p = plan_.hosts[i];
    p.id = h.id;
    p.hostname = h.hostname;
    p.region = h.label("region");
    p.province = h.label("province");
    p.commune = h.label("commune");
    p.environment = h.label("environment");
    p.criticality = h.label("criticality");
    p.sensitivity = h.label(c_.compliance.label);
    if (p.environment.empty()) ++missing_environment_;

    const Requirement need = size_host(h, c_);
    p.needed_vcpu = need.vcpu;
    p.needed_memory_gib = need.memory_gib;
    p.confidence = need.confidence;
    p.confidence_factors = need.confidence_factors;
    p.reasons = need.reasons;
    if (!need.assumed.empty()) ++hosts_with_assumptions_;
    p.on_premises = on_premises_costs(h, c_);
    p.on_premises_monthly_cost = p.on_premises.total();
    p.transfer_gb = need.transfer_gb;
    const double uplink = h.uplink_mbps.value_or(c_.assume.uplink_mbps);
    if (!h.uplink_mbps) ++missing_uplink_;
    p.transfer_hours = transfer_hours(need.transfer_gb, uplink, c_);

    StrategyDecision decision = decide_strategy(h, c_, clients);
    p.reasons.insert(p.reasons.end(), decision.reasons.begin(), decision.reasons.end());
    p.flags.insert(p.flags.end(), decision.flags.begin(), decision.flags.end());
    p.to_confirm = decision.to_confirm;
    if (decision.forced == Strategy::kRetire || decision.forced == Strategy::kRetain) {
      p.strategy = *decision.forced;
      return;
    }
    place(h, i, p, need, decision.forced);
    if (p.target) {
      const double window = transfer_window_hours(c_);
      std::vector<Param> copy{Param::number("gb", std::floor(p.transfer_gb)),
                              Param::figure("mbps", uplink), duration("takes", p.transfer_hours)};
      if (p.transfer_hours > window) {
        copy.push_back(duration("window", window));
        p.flags.push_back(say("transfer.too_long", std::move(copy)));
      } else {
        p.reasons.push_back(say("transfer.copy", std::move(copy)));
      }
    }
  }

  // Prices the host on every eligible provider and keeps the cheapest; never places a
  // classified host on a provider that does not qualify.
  void place(const Host& h, std::size_t i, HostPlan& p, const Requirement& need,
             std::optional<Strategy> forced) {
    const int level = required_qualification(h, c_);
    if (level > 0) {
      p.reasons.push_back(say("compliance.host", {{"label", c_.compliance.label},
                                                  {"value", p.sensitivity},
                                                  Param::number("level", level),
                                                  {"country", c_.compliance.country}}));
    }
    const bool may_replatform = c_.strategy.replatform && forced != Strategy::kRehost;
    const std::vector<std::string> software =
        may_replatform ? replatformable(h, i, p, forced == Strategy::kReplatform)
                       : std::vector<std::string>{};
    std::optional<Offer> best;
    std::vector<Message> why_not;
    for (const auto& provider : catalogs_.providers) {
      if (!provider_eligible(provider, level, c_)) continue;
      const ManagedService* managed = managed_for(software, provider);
      Message reason;
      auto offer = price_on(need, provider, c_, managed, &reason);
      if (!offer) {
        why_not.push_back(std::move(reason));
        continue;
      }
      if (!best || offer->monthly.total() < best->monthly.total() - 1e-9) best = std::move(offer);
    }
    if (!best) {
      p.strategy = Strategy::kRetain;
      std::vector<Message> because;
      if (!why_not.empty()) because.push_back(say("offer.because", {Param::list("why", why_not)}));
      p.flags.push_back(level > 0 ? say("offer.none_qualified", {Param::number("level", level),
                                                                 {"country", c_.compliance.country},
                                                                 Param::list("because", because)})
                                  : say("offer.none", {Param::list("because", because)}));
      return;
    }
    const Target& t = best->target;
    p.strategy = t.managed_service.empty() ? Strategy::kRehost : Strategy::kReplatform;
    if (forced == Strategy::kReplatform && t.managed_service.empty()) {
      p.reasons.push_back(say("replatform.no_offer"));
    }
    std::vector<Message> managed;
    if (!t.managed_service.empty())
      managed.push_back(say("target.managed", {{"service", t.managed_service}}));
    p.reasons.push_back(say("target.chosen", {{"instance", t.instance},
                                              Param::figure("vcpu", t.vcpu),
                                              Param::figure("gib", t.memory_gib),
                                              {"provider", t.provider},
                                              Param::list("managed", managed),
                                              Param::number("monthly", best->monthly.total()),
                                              {"currency", plan_.currency}}));
    p.target = t;
    p.monthly = best->monthly;
    p.monthly_on_demand = best->monthly_on_demand;
    p.monthly_by_commitment = best->monthly_by_commitment;
  }

  // The host's software a managed service may replace (lower-case names). With
  // strategy.replatform_needs_clients, only software that runs and serves clients; for software
  // some catalogue could manage, the reasons say what the evidence is.
  // A strategy=replatform label is the owner's word and needs no evidence (`labelled`).
  std::vector<std::string> replatformable(const Host& h, std::size_t i, HostPlan& p,
                                          bool labelled) {
    std::vector<std::string> out;
    for (const auto& s : h.software) {
      const std::string name = lower(s.name);
      const bool managed = std::any_of(
          catalogs_.providers.begin(), catalogs_.providers.end(),
          [&](const Provider& provider) { return managed_for({name}, provider) != nullptr; });
      if (!managed) continue;
      if (!c_.strategy.replatform_needs_clients || labelled) {
        out.push_back(name);
        continue;
      }
      const ServiceEvidence e = service_evidence(h, s, inbound_[i]);
      if (e.running && e.serving) {
        out.push_back(name);
        p.reasons.push_back(say("replatform.candidate", {Param::list("evidence", {e.text})}));
      } else {
        p.reasons.push_back(say("replatform.rehost", {Param::list("evidence", {e.text})}));
      }
    }
    return out;
  }

  std::uint32_t site_of(const HostPlan& h, std::unordered_map<std::string, std::uint32_t>& sites) {
    const std::string key =
        h.commune.empty() ? "host\x1f" + h.id : h.region + "\x1f" + h.province + "\x1f" + h.commune;
    return sites.emplace(key, static_cast<std::uint32_t>(sites.size())).first->second;
  }

  bool nonprod(const HostPlan& h) const {
    const auto& list = c_.waves.nonprod_environments;
    return std::find(list.begin(), list.end(), lower(h.environment)) != list.end();
  }

  void group_and_schedule(const DependencyGraph& graph) {
    const std::size_t n = plan_.hosts.size();
    std::vector<char> moving(n);
    for (std::size_t i = 0; i < n; ++i) {
      moving[i] = plan_.hosts[i].strategy == Strategy::kRehost ||
                  plan_.hosts[i].strategy == Strategy::kReplatform;
    }
    Grouping grouping = group_hosts(fleet_, graph, moving, c_);
    for (std::size_t i = 0; i < n; ++i) {
      plan_.hosts[i].shared_infrastructure = grouping.shared[i];
      plan_.hosts[i].group = grouping.group_of[i];
      if (grouping.shared[i]) plan_.shared_infrastructure.push_back(static_cast<std::uint32_t>(i));
      plan_.hosts[i].one_time_cost = one_time_cost(plan_.hosts[i], c_);
    }
    plan_.cut_dependencies = std::move(grouping.cut);
    plan_.violations = std::move(grouping.violations);

    std::unordered_map<std::string, std::uint32_t> sites;
    std::vector<WaveHost> wave_hosts(n);
    for (std::size_t i = 0; i < n; ++i) {
      const HostPlan& h = plan_.hosts[i];
      WaveHost& wh = wave_hosts[i];
      wh.site = site_of(h, sites);
      wh.transfer_hours = h.transfer_hours;
      wh.name = h.hostname.empty() ? h.id : h.hostname;
      wh.site_name = h.commune;
      wh.transfer_gb = h.transfer_gb;
      wh.uplink_mbps = fleet_.hosts[i].uplink_mbps.value_or(c_.assume.uplink_mbps);
    }
    std::vector<WaveGroup> wave_groups(grouping.groups.size());
    for (std::size_t g = 0; g < grouping.groups.size(); ++g) {
      WaveGroup& wg = wave_groups[g];
      wg.hosts = grouping.groups[g];
      int dev = 0;
      for (auto h : wg.hosts) {
        dev += nonprod(plan_.hosts[h]);
        const std::string crit = lower(plan_.hosts[h].criticality);
        wg.high_criticality = wg.high_criticality || crit == "high" || crit == "critical";
      }
      wg.nonprod = dev == static_cast<int>(wg.hosts.size());
      wg.mixed_environment = dev > 0 && !wg.nonprod;
    }
    const WaveSchedule schedule =
        schedule_waves(wave_groups, wave_hosts, grouping.group_dependencies, c_,
                       &grouping.strong_group_dependencies);
    plan_.violations.insert(plan_.violations.end(), schedule.violations.begin(),
                            schedule.violations.end());

    plan_.waves.resize(schedule.waves);
    const auto calendar = wave_calendar(c_, schedule.waves);
    for (int w = 0; w < schedule.waves; ++w) {
      Wave& wave = plan_.waves[w];
      wave.number = w + 1;
      wave.pilot = wave.number <= schedule.pilot_waves;
      wave.start = calendar[w].start;
      wave.end = calendar[w].end;
      wave.after_blackout = calendar[w].after_blackout;
    }
    plan_.groups.resize(grouping.groups.size());
    for (std::size_t g = 0; g < grouping.groups.size(); ++g) {
      MoveGroup& group = plan_.groups[g];
      group.id = "g-" + std::to_string(g + 1);
      group.hosts = std::move(grouping.groups[g]);
      group.name = group_name(group.hosts);
      group.wave = schedule.wave_of_group[g];
      Wave& wave = plan_.waves[group.wave - 1];
      wave.groups.push_back(static_cast<std::uint32_t>(g));
      const std::string env = wave_groups[g].nonprod ? "nonprod" : "prod";
      wave.environment = wave.environment.empty() || wave.environment == env ? env : "mixed";
      for (auto h : group.hosts) {
        plan_.hosts[h].wave = group.wave;
        wave.hosts.push_back(h);
      }
    }
    for (Wave& wave : plan_.waves) std::sort(wave.hosts.begin(), wave.hosts.end());
    wave_transfer_hours(wave_hosts);
  }

  // A wave's copy time is its busiest site's: sites copy in parallel, hosts of a site in turn.
  void wave_transfer_hours(const std::vector<WaveHost>& hosts) {
    for (Wave& wave : plan_.waves) {
      std::unordered_map<std::uint32_t, double> per_site;
      for (auto h : wave.hosts) per_site[hosts[h].site] += hosts[h].transfer_hours;
      for (const auto& [site, hours] : per_site)
        wave.transfer_hours = std::max(wave.transfer_hours, hours);
    }
  }

  // The most common application label of a group's hosts (else their most common role label)
  // and their most common commune, else its first host's name. No host count: each reader says
  // it in its own language.
  std::string group_name(const std::vector<std::uint32_t>& hosts) const {
    std::map<std::string, int> applications, roles, communes;
    for (auto h : hosts) {
      const auto& labels = fleet_.hosts[h].labels;
      if (const auto a = labels.find("application"); a != labels.end() && !a->second.empty())
        ++applications[a->second];
      if (const auto r = labels.find("role"); r != labels.end() && !r->second.empty())
        ++roles[r->second];
      if (!plan_.hosts[h].commune.empty()) ++communes[plan_.hosts[h].commune];
    }
    if (applications.empty()) applications = std::move(roles);
    const auto most = [](const std::map<std::string, int>& counts) {
      return std::max_element(counts.begin(), counts.end(),
                              [](const auto& a, const auto& b) { return a.second < b.second; })
          ->first;
    };
    std::string name;
    if (!applications.empty()) {
      name = most(applications);
      if (!communes.empty()) name += ", " + most(communes);
    } else if (!hosts.empty()) {
      const HostPlan& first = plan_.hosts[hosts.front()];
      name = first.hostname.empty() ? first.id : first.hostname;
    }
    return name;
  }

  // Each rule and fleet-wide assumption as a message of planner/messages.json.
  void write_rules() {
    for (const auto& [value, level] : c_.compliance.levels) {
      if (level == 0) continue;
      plan_.rules.push_back(say("rule.compliance", {{"label", c_.compliance.label},
                                                    {"value", value},
                                                    Param::number("level", level),
                                                    {"country", c_.compliance.country}}));
    }
    plan_.rules.push_back(say("rule.shared_infrastructure",
                              {Param::number("min_clients", c_.grouping.shared_min_clients)}));
    plan_.rules.push_back(
        say("rule.retire", {Param::number("min_days", std::floor(c_.idle.evidence_min_days))}));
    if (c_.strategy.replatform && c_.strategy.replatform_needs_clients) {
      plan_.rules.push_back(say("rule.replatform"));
    }
    const std::string blackouts = join_blackouts(c_.waves.blackouts);
    std::vector<Message> during;
    if (!blackouts.empty()) during.push_back(say("rule.waves_blackouts", {{"periods", blackouts}}));
    plan_.rules.push_back(
        say("rule.waves", {Param::number("min_wave", c_.waves.high_criticality_min_wave),
                           Param::list("blackouts", during)}));
    auto count = [&](std::size_t n, const char* key, std::vector<Param> params = {}) {
      if (n == 0) return;
      params.push_back(Param::number("count", static_cast<double>(n)));
      plan_.assumptions.push_back(say(key, std::move(params)));
    };
    count(missing_environment_, "assumption.no_environment");
    count(missing_uplink_, "assumption.no_uplink",
          {Param::number("mbps", std::floor(c_.assume.uplink_mbps))});
    count(hosts_with_assumptions_, "assumption.inventory");
    count(plan_.ignored_connections, "assumption.ignored_connections");
  }

  const Fleet& fleet_;
  const PlannerConfig& c_;
  const Catalogs& catalogs_;
  Plan plan_;
  std::vector<std::vector<InboundPort>> inbound_;  // per host, per port
  std::size_t missing_environment_ = 0, missing_uplink_ = 0, hosts_with_assumptions_ = 0;
};

}  // namespace

const char* to_string(Strategy s) {
  switch (s) {
    case Strategy::kRehost:
      return "rehost";
    case Strategy::kReplatform:
      return "replatform";
    case Strategy::kRetire:
      return "retire";
    case Strategy::kRetain:
      return "retain";
  }
  return "rehost";
}

MonthlyCost& MonthlyCost::operator+=(const MonthlyCost& o) {
  compute += o.compute;
  storage += o.storage;
  egress += o.egress;
  licences += o.licences;
  return *this;
}

Plan plan(const Fleet& fleet, const PlannerConfig& config, const Catalogs& catalogs) {
  return Planner(fleet, config, catalogs).run();
}

}  // namespace sahab::planner
