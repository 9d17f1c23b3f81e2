#include "planner/waves.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <numeric>
#include <set>
#include <tuple>

#include "common/text.h"

namespace sahab::planner {
namespace {

std::string group_name(int g) { return "g-" + std::to_string(g + 1); }

// Tarjan's algorithm without recursion (a 100,000-group chain must not overflow the stack).
std::vector<int> strongly_connected_components(std::size_t n,
                                               const std::vector<std::pair<int, int>>& edges) {
  std::vector<std::vector<int>> out(n);
  for (const auto& [a, b] : edges) out[a].push_back(b);
  std::vector<int> index(n, -1), low(n, 0), component(n, -1), stack;
  std::vector<char> on_stack(n, 0);
  std::vector<std::pair<int, std::size_t>> frames;  // (node, next edge)
  int counter = 0, components = 0;
  for (std::size_t root = 0; root < n; ++root) {
    if (index[root] >= 0) continue;
    frames.emplace_back(static_cast<int>(root), 0);
    while (!frames.empty()) {
      auto& [v, next] = frames.back();
      if (next == 0 && index[v] < 0) {
        index[v] = low[v] = counter++;
        stack.push_back(v);
        on_stack[v] = 1;
      }
      if (next < out[v].size()) {
        const int w = out[v][next++];
        if (index[w] < 0) {
          frames.emplace_back(w, 0);
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      if (low[v] == index[v]) {
        int w = -1;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = 0;
          component[w] = components;
        } while (w != v);
        ++components;
      }
      const int done = v;
      frames.pop_back();
      if (!frames.empty()) low[frames.back().first] = std::min(low[frames.back().first], low[done]);
    }
  }
  return component;
}

struct Unit {
  std::vector<int> groups;
  int size = 0;
  bool nonprod = true;
  bool high = false;
  bool complex = false;
  std::uint32_t first_host = 0;
  std::vector<std::pair<std::uint32_t, double>> site_hours;  // per site, sorted by site
  std::vector<int> uses;                                     // units it depends on
  std::vector<int> dependents;                               // units that depend on it
};

class Scheduler {
 public:
  Scheduler(const std::vector<WaveGroup>& groups, const std::vector<WaveHost>& hosts,
            const std::vector<std::pair<int, int>>& deps, const PlannerConfig& c,
            const std::vector<std::pair<int, int>>* strong)
      : groups_(groups), hosts_(hosts), c_(c), window_(transfer_window_hours(c)) {
    const std::size_t n = groups.size();
    // Dev/test before prod wins over a dev/test host's use of a prod server (hybrid
    // connectivity covers it), so such dependencies do not order waves.
    for (const auto& [g, t] : deps) {
      if (!(groups[g].nonprod && !groups[t].nonprod)) deps_.emplace_back(g, t);
    }
    // Groups in one dependency cycle must share a wave: the strongly connected components of
    // the group graph are the units scheduled.
    unit_of_ = strongly_connected_components(n, deps_);
    relax_light_cycles(strong);
    int units = 0;
    for (int u : unit_of_) units = std::max(units, u + 1);
    units_.resize(units);
    for (std::size_t g = 0; g < n; ++g) {
      Unit& u = units_[unit_of_[g]];
      if (u.groups.empty()) u.first_host = groups[g].hosts.front();
      u.groups.push_back(static_cast<int>(g));
      u.size += static_cast<int>(groups[g].hosts.size());
      u.nonprod = u.nonprod && groups[g].nonprod;
      u.high = u.high || groups[g].high_criticality;
      u.first_host = std::min(u.first_host, groups[g].hosts.front());
      for (auto h : groups[g].hosts)
        u.site_hours.emplace_back(hosts[h].site, hosts[h].transfer_hours);
    }
    for (Unit& u : units_) {
      u.complex = u.size >= c_.waves.high_complexity_hosts;
      std::sort(u.site_hours.begin(), u.site_hours.end());
      std::vector<std::pair<std::uint32_t, double>> merged;
      for (const auto& [site, hours] : u.site_hours) {
        if (!merged.empty() && merged.back().first == site) {
          merged.back().second += hours;
        } else {
          merged.emplace_back(site, hours);
        }
      }
      u.site_hours = std::move(merged);
    }
    std::vector<std::pair<int, int>> unit_deps;
    for (const auto& [g, t] : deps_) {
      if (unit_of_[g] != unit_of_[t]) unit_deps.emplace_back(unit_of_[g], unit_of_[t]);
    }
    std::sort(unit_deps.begin(), unit_deps.end());
    unit_deps.erase(std::unique(unit_deps.begin(), unit_deps.end()), unit_deps.end());
    for (const auto& [u, t] : unit_deps) {
      units_[u].uses.push_back(t);
      units_[t].dependents.push_back(u);
    }
    std::uint32_t sites = 0;
    for (const auto& h : hosts) sites = std::max(sites, h.site + 1);
    site_load_.assign(sites, 0);
    order_.resize(units);
    std::iota(order_.begin(), order_.end(), 0);
    std::sort(order_.begin(), order_.end(), [&](int a, int b) { return key(a) < key(b); });
    rank_.resize(units);
    for (int r = 0; r < units; ++r) rank_[order_[r]] = r;
    wave_.assign(units, 0);
    forced_.assign(units, 0);
  }

  WaveSchedule run() {
    list_schedule();
    compact();
    WaveSchedule out;
    out.wave_of_group.resize(groups_.size());
    for (std::size_t g = 0; g < groups_.size(); ++g) out.wave_of_group[g] = wave_[unit_of_[g]];
    out.waves = waves_;
    out.pilot_waves = pilots_;
    out.violations = check(out);
    return out;
  }

 private:
  std::tuple<int, int, int, int, std::uint32_t> key(int u) const {
    const Unit& unit = units_[u];
    return {unit.nonprod ? 0 : 1, unit.high ? 1 : 0, unit.complex ? 1 : 0, unit.size,
            unit.first_host};
  }

  int cap_of(int number) const {
    return number <= pilots_ ? c_.waves.pilot_max_hosts : wave_cap(c_, number, pilots_);
  }

  // Each site's hosts share its uplink; a unit whose own copy at a site exceeds the window can
  // only go alone on that site (and is reported).
  bool fits_transfer(int u) const {
    for (const auto& [site, hours] : units_[u].site_hours) {
      const double load = site_load_[site];
      if (load > 0 && load + hours > window_ + 1e-9) return false;
    }
    return true;
  }

  void place(int u, int number, std::set<int>& ready, std::vector<int>& unmet) {
    wave_[u] = number;
    load_ += units_[u].size;
    for (const auto& [site, hours] : units_[u].site_hours) {
      if (site_load_[site] == 0) touched_sites_.push_back(site);
      site_load_[site] += hours;
    }
    for (int d : units_[u].dependents) {
      if (--unmet[d] == 0) ready.insert(rank_[d]);
    }
    if (units_[u].nonprod) --nonprod_left_;
    ++placed_;
  }

  // Topological list schedule of the condensed graph: each wave takes ready units (every unit
  // they use already placed, in this wave or before) in priority order while they fit.
  void list_schedule() {
    const int units = static_cast<int>(units_.size());
    std::vector<int> unmet(units);
    std::set<int> ready;
    for (int u = 0; u < units; ++u) {
      unmet[u] = static_cast<int>(units_[u].uses.size());
      if (unmet[u] == 0) ready.insert(rank_[u]);
      if (units_[u].nonprod) ++nonprod_left_;
    }
    int pilots_left = c_.waves.pilot_waves;
    int number = 1;
    while (placed_ < units) {
      const bool pilot = pilots_left > 0;
      const int cap = pilot ? c_.waves.pilot_max_hosts : wave_cap(c_, number, pilots_);
      const bool phase_nonprod = nonprod_left_ > 0;
      load_ = 0;
      for (auto s : touched_sites_) site_load_[s] = 0;
      touched_sites_.clear();
      for (bool progress = true; progress && load_ < cap;) {
        progress = false;
        for (auto it = ready.begin(); it != ready.end() && load_ < cap;) {
          const int u = order_[*it];
          const Unit& unit = units_[u];
          if (unit.nonprod != phase_nonprod) break;  // ranks put dev/test first
          const bool ok =
              !(load_ + unit.size > cap && load_ > 0) &&
              !(pilot && (unit.high || unit.complex || unit.size > cap || !unit.uses.empty())) &&
              !(!pilot && unit.high && number < c_.waves.high_criticality_min_wave) &&
              fits_transfer(u);
          if (!ok) {
            ++it;
            continue;
          }
          it = ready.erase(it);
          place(u, number, ready, unmet);
          progress = true;
        }
      }
      if (load_ == 0 && pilot) {  // nothing low-risk left: the pilots end early
        pilots_left = 0;
        continue;
      }
      if (load_ == 0) {
        // Every ready unit of this phase is high criticality (the others wait for them): the
        // first one goes anyway and is reported, rather than an empty wave.
        auto it = std::find_if(ready.begin(), ready.end(),
                               [&](int r) { return units_[order_[r]].nonprod == phase_nonprod; });
        if (it == ready.end()) it = ready.begin();  // cannot happen for an acyclic condensation
        const int u = order_[*it];
        ready.erase(it);
        forced_[u] = 1;
        place(u, number, ready, unmet);
      }
      if (pilot) {
        --pilots_left;
        ++pilots_;
      }
      ++number;
    }
    waves_ = number - 1;
  }

  static int last_used(const std::vector<int>& size) {
    for (int w = static_cast<int>(size.size()) - 1; w > 0; --w) {
      if (size[w] > 0) return w;
    }
    return 0;
  }

  // Repair / local search: pull each unit (in wave order) into the earliest wave that its
  // dependencies allow and that has room (cap, site windows, same environment phase, pilot and
  // criticality rules), then drop waves left empty. Moving a unit earlier never breaks an order
  // constraint of the units that use it; they are in its wave or later.
  void compact() {
    if (waves_ <= 1) return;
    std::vector<int> size(waves_ + 1, 0), nonprod(waves_ + 1, 0), prod(waves_ + 1, 0);
    std::map<std::pair<int, std::uint32_t>, double> site_load;
    for (std::size_t u = 0; u < units_.size(); ++u) {
      const int w = wave_[u];
      size[w] += units_[u].size;
      (units_[u].nonprod ? nonprod : prod)[w] += 1;
      for (const auto& [site, hours] : units_[u].site_hours) site_load[{w, site}] += hours;
    }
    std::vector<int> by_wave(units_.size());
    std::iota(by_wave.begin(), by_wave.end(), 0);
    std::stable_sort(by_wave.begin(), by_wave.end(),
                     [&](int a, int b) { return wave_[a] < wave_[b]; });
    for (int u : by_wave) {
      const Unit& unit = units_[u];
      if (forced_[u]) continue;
      int earliest = pilots_ + 1;
      for (int t : unit.uses) earliest = std::max(earliest, wave_[t]);
      if (unit.high) earliest = std::max(earliest, c_.waves.high_criticality_min_wave);
      for (int w = earliest; w < wave_[u]; ++w) {
        if (size[w] + unit.size > cap_of(w)) continue;
        if (unit.nonprod ? prod[w] > 0 : nonprod[w] > 0) continue;
        if (size[w] == 0) continue;  // keep the order of phases: only join existing waves
        // Never empty a wave in the middle: renumbering would shift later waves' caps.
        if (size[wave_[u]] == unit.size && wave_[u] != last_used(size)) continue;
        bool fits = true;
        for (const auto& [site, hours] : unit.site_hours) {
          const auto it = site_load.find({w, site});
          if (it != site_load.end() && it->second + hours > window_ + 1e-9) fits = false;
          if (it == site_load.end() && hours > window_ + 1e-9) fits = false;
        }
        if (!fits) continue;
        const int from = wave_[u];
        size[from] -= unit.size;
        size[w] += unit.size;
        (unit.nonprod ? nonprod : prod)[from] -= 1;
        (unit.nonprod ? nonprod : prod)[w] += 1;
        for (const auto& [site, hours] : unit.site_hours) {
          site_load[{from, site}] -= hours;
          site_load[{w, site}] += hours;
        }
        wave_[u] = w;
        break;
      }
    }
    // Renumber without empty waves.
    std::vector<int> renumber(waves_ + 1, 0);
    int next = 0;
    for (int w = 1; w <= waves_; ++w) {
      if (size[w] > 0) renumber[w] = ++next;
    }
    for (int& w : wave_) w = renumber[w];
    int pilots = 0;
    for (int w = 1; w <= pilots_; ++w) pilots += size[w] > 0;
    pilots_ = pilots;
    waves_ = next;
  }

  // A cycle larger than the largest wave cannot move in one wave. Its light dependencies (no
  // strong edge) are dropped from the order inside it and the components recomputed; what is
  // left is held by strong dependencies only.
  void relax_light_cycles(const std::vector<std::pair<int, int>>* strong) {
    if (strong == nullptr) return;
    int largest = 0;
    for (int r : c_.waves.ramp) largest = std::max(largest, r);
    largest = std::min(largest, c_.waves.teams * c_.waves.hosts_per_team);
    if (c_.waves.pilot_waves > 0) largest = std::max(largest, c_.waves.pilot_max_hosts);
    std::vector<int> size;
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      if (unit_of_[g] >= static_cast<int>(size.size())) size.resize(unit_of_[g] + 1, 0);
      size[unit_of_[g]] += static_cast<int>(groups_[g].hosts.size());
    }
    // First only the light dependencies that close a cycle (back edges of a depth-first search
    // inside the oversized components), then, if a component is still too large, all of its
    // light dependencies.
    original_unit_ = unit_of_;
    const std::vector<int>& original = original_unit_;
    auto big = [&](const std::pair<int, int>& d, const std::vector<int>& unit,
                   const std::vector<int>& unit_size) {
      return unit[d.first] == unit[d.second] && unit_size[unit[d.first]] > largest;
    };
    auto light = [&](const std::pair<int, int>& d) {
      return !std::binary_search(strong->begin(), strong->end(), d);
    };
    std::vector<char> back(deps_.size(), 0);
    {
      std::vector<std::vector<std::pair<int, std::size_t>>> out(groups_.size());
      bool any = false;
      for (std::size_t k = 0; k < deps_.size(); ++k) {
        if (!big(deps_[k], unit_of_, size)) continue;
        out[deps_[k].first].emplace_back(deps_[k].second, k);
        any = true;
      }
      if (!any) return;
      std::vector<char> state(groups_.size(), 0);  // 0 new, 1 on the stack, 2 done
      std::vector<std::pair<int, std::size_t>> frames;
      for (std::size_t root = 0; root < groups_.size(); ++root) {
        if (state[root] != 0 || out[root].empty()) continue;
        state[root] = 1;
        frames.emplace_back(static_cast<int>(root), 0);
        while (!frames.empty()) {
          const int v = frames.back().first;
          const std::size_t next = frames.back().second;
          if (next < out[v].size()) {
            ++frames.back().second;
            const auto [w, k] = out[v][next];
            if (state[w] == 1) {
              back[k] = 1;
            } else if (state[w] == 0) {
              state[w] = 1;
              frames.emplace_back(w, 0);
            }
          } else {
            state[v] = 2;
            frames.pop_back();
          }
        }
      }
    }
    std::vector<std::pair<int, int>> kept;
    for (std::size_t k = 0; k < deps_.size(); ++k) {
      if (back[k] && light(deps_[k])) {
        relaxed_.push_back(deps_[k]);
        relaxed_cycle_.push_back(original[deps_[k].first]);
      } else {
        kept.push_back(deps_[k]);
      }
    }
    deps_ = std::move(kept);
    unit_of_ = strongly_connected_components(groups_.size(), deps_);
    std::vector<int> unit_size(groups_.size(), 0);
    for (std::size_t g = 0; g < groups_.size(); ++g)
      unit_size[unit_of_[g]] += static_cast<int>(groups_[g].hosts.size());
    kept.clear();
    bool dropped = false;
    for (const auto& d : deps_) {
      if (big(d, unit_of_, unit_size) && light(d)) {
        relaxed_.push_back(d);
        relaxed_cycle_.push_back(original[d.first]);
        dropped = true;
      } else {
        kept.push_back(d);
      }
    }
    if (!dropped) return;
    deps_ = std::move(kept);
    unit_of_ = strongly_connected_components(groups_.size(), deps_);
  }

  // One report per relaxed cycle: its light dependencies whose target moves later.
  void light_reports(const WaveSchedule& s, std::vector<Violation>& v) const {
    std::map<int, std::vector<std::size_t>> by_cycle;
    for (std::size_t i = 0; i < relaxed_.size(); ++i) by_cycle[relaxed_cycle_[i]].push_back(i);
    for (const auto& [cycle, list] : by_cycle) {
      std::vector<int> groups, backwards_groups, waves;
      std::size_t backwards = 0;
      for (std::size_t g = 0; g < groups_.size(); ++g) {
        if (original_unit_[g] == cycle) groups.push_back(static_cast<int>(g));
      }
      for (auto i : list) {
        const auto [g, t] = relaxed_[i];
        if (s.wave_of_group[t] > s.wave_of_group[g]) {
          ++backwards;
          backwards_groups.push_back(g);
          backwards_groups.push_back(t);
          waves.push_back(s.wave_of_group[g]);
          waves.push_back(s.wave_of_group[t]);
        }
      }
      if (backwards == 0) continue;
      auto unique = [](std::vector<int>& x) {
        std::sort(x.begin(), x.end());
        x.erase(std::unique(x.begin(), x.end()), x.end());
      };
      unique(groups);
      unique(backwards_groups);
      unique(waves);
      int hosts = 0;
      for (int g : groups) hosts += static_cast<int>(groups_[g].hosts.size());
      const Param cycle_groups = Param::number("groups", static_cast<double>(groups.size()));
      const Param cycle_hosts = Param::number("hosts", hosts);
      Violation x{"light dependency order",
                  say("violation.light_dependency",
                      {Param::number("backwards", backwards), cycle_groups, cycle_hosts})};
      x.kind = "light-dependency";
      x.groups = backwards_groups;
      x.waves = waves;
      for (int g : backwards_groups)
        x.hosts.insert(x.hosts.end(), groups_[g].hosts.begin(), groups_[g].hosts.end());
      x.reason = say("violation.light_dependency.reason", {cycle_groups, cycle_hosts});
      x.fix = say("violation.light_dependency.fix",
                  {Param::number("wave", waves.empty() ? 0 : waves.back()), cycle_hosts});
      v.push_back(std::move(x));
    }
  }

  std::vector<std::uint32_t> unit_hosts(int u) const {
    std::vector<std::uint32_t> out;
    for (int g : units_[u].groups)
      out.insert(out.end(), groups_[g].hosts.begin(), groups_[g].hosts.end());
    std::sort(out.begin(), out.end());
    return out;
  }

  // The first eight groups by name, then how many more.
  static Param groups_param(std::string name, const std::vector<int>& groups) {
    std::vector<Message> items;
    for (std::size_t i = 0; i < groups.size(); ++i) {
      if (i == 8) {
        items.push_back(
            say("list.more", {Param::number("count", static_cast<double>(groups.size() - i))}));
        break;
      }
      items.push_back(say("group.name", {{"name", group_name(groups[i])}}));
    }
    return Param::list(std::move(name), std::move(items));
  }

  Message host_copy(std::uint32_t h) const {
    const WaveHost& host = hosts_[h];
    return say("transfer.host_copy",
               {{"host", host.name.empty() ? "#" + std::to_string(h) : host.name},
                Param::number("gb", host.transfer_gb),
                Param::figure("mbps", host.uplink_mbps),
                duration("takes", host.transfer_hours, true)});
  }

  // Every report is computed from the final assignment, independently of how it was built.
  std::vector<Violation> check(const WaveSchedule& s) const {
    std::vector<Violation> v;
    const auto& wave_of = s.wave_of_group;
    for (const auto& [g, t] : deps_) {
      if (wave_of[t] <= wave_of[g]) continue;
      const std::vector<Param> order{{"group", group_name(g)},
                                     Param::number("wave", wave_of[g]),
                                     {"target", group_name(t)},
                                     Param::number("target_wave", wave_of[t])};
      Violation x{"dependency order", say("violation.dependency_order", order)};
      x.kind = "dependency-order";
      x.groups = {g, t};
      x.waves = {wave_of[g], wave_of[t]};
      x.hosts = groups_[g].hosts;
      x.hosts.insert(x.hosts.end(), groups_[t].hosts.begin(), groups_[t].hosts.end());
      x.reason = say("violation.dependency_order.reason");
      x.fix = say("violation.dependency_order.fix", order);
      v.push_back(std::move(x));
    }
    std::vector<int> size(s.waves + 1, 0), nonprod(s.waves + 1, 0), prod(s.waves + 1, 0);
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      const int w = wave_of[g];
      size[w] += static_cast<int>(groups_[g].hosts.size());
      (groups_[g].nonprod ? nonprod : prod)[w] += 1;
      if (groups_[g].mixed_environment) {
        Violation x{"environment",
                    say("violation.mixed_group", {{"group", group_name(static_cast<int>(g))}})};
        x.kind = "environment";
        x.groups = {static_cast<int>(g)};
        x.waves = {w};
        x.hosts = groups_[g].hosts;
        x.reason = say("violation.mixed_group.reason");
        x.fix = say("violation.mixed_group.fix");
        v.push_back(std::move(x));
      }
    }
    for (std::size_t u = 0; u < units_.size(); ++u) {
      const Unit& unit = units_[u];
      const int w = wave_[u];
      if (unit.high && w < c_.waves.high_criticality_min_wave) {
        Violation x{"criticality",
                    say("violation.criticality",
                        {groups_param("groups", unit.groups), Param::number("wave", w),
                         Param::number("min_wave", c_.waves.high_criticality_min_wave)})};
        x.kind = "criticality";
        x.groups = unit.groups;
        x.waves = {w};
        x.hosts = unit_hosts(static_cast<int>(u));
        x.reason = say("violation.criticality.reason", {Param::number("wave", w)});
        x.fix = say("violation.criticality.fix");
        v.push_back(std::move(x));
      }
      const int cap = cap_of_final(w, s.pilot_waves);
      if (unit.size > cap) {
        Violation x;
        x.constraint = "wave size";
        x.kind = "wave-size";
        x.groups = unit.groups;
        x.waves = {w};
        x.hosts = unit_hosts(static_cast<int>(u));
        const std::vector<Param> figures{
            Param::number("wave", w),
            Param::number("size", size[w]),
            Param::number("cap", cap),
            Param::number("hosts", unit.size),
            groups_param("names", unit.groups),
            {"group", group_name(unit.groups.front())},
            Param::number("groups", static_cast<double>(unit.groups.size()))};
        const std::string key =
            unit.groups.size() > 1 ? "violation.wave_size_cycle" : "violation.wave_size_group";
        x.detail = say(key, figures);
        x.reason = say(key + ".reason", figures);
        x.fix = say(key + ".fix", figures);
        v.push_back(std::move(x));
      }
    }
    for (int w = 1; w <= s.waves; ++w) {
      const int cap = cap_of_final(w, s.pilot_waves);
      bool explained = false;
      for (std::size_t u = 0; u < units_.size(); ++u)
        explained |= wave_[u] == w && units_[u].size > cap;
      if (size[w] > cap && !explained) {
        const std::vector<Param> figures{Param::number("wave", w), Param::number("size", size[w]),
                                         Param::number("cap", cap)};
        Violation x{"wave size", say("violation.wave_size", figures)};
        x.kind = "wave-size";
        x.waves = {w};
        x.reason = say("violation.wave_size.reason");
        x.fix = say("violation.wave_size.fix", figures);
        v.push_back(std::move(x));
      }
      if (nonprod[w] > 0 && prod[w] > 0) {
        Violation x{"environment", say("violation.mixed_wave", {Param::number("wave", w)})};
        x.kind = "environment";
        x.waves = {w};
        x.reason = say("violation.mixed_wave.reason");
        x.fix = say("violation.mixed_wave.fix", {Param::number("wave", w)});
        v.push_back(std::move(x));
      }
    }
    light_reports(s, v);
    transfer_reports(s, v);
    return v;
  }

  int cap_of_final(int number, int pilot_waves) const {
    return number <= pilot_waves ? c_.waves.pilot_max_hosts : wave_cap(c_, number, pilot_waves);
  }

  // Per wave and site: the site's copy time against the window.
  void transfer_reports(const WaveSchedule& s, std::vector<Violation>& v) const {
    struct Item {
      int wave;
      std::uint32_t site;
      std::uint32_t host;
      int group;
    };
    std::vector<Item> items;
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      for (auto h : groups_[g].hosts)
        items.push_back({s.wave_of_group[g], hosts_[h].site, h, static_cast<int>(g)});
    }
    std::sort(items.begin(), items.end(), [](const Item& a, const Item& b) {
      return std::tie(a.wave, a.site, a.host) < std::tie(b.wave, b.site, b.host);
    });
    for (std::size_t i = 0; i < items.size();) {
      std::size_t j = i;
      double total = 0;
      while (j < items.size() && items[j].wave == items[i].wave && items[j].site == items[i].site)
        total += hosts_[items[j++].host].transfer_hours;
      if (total > window_ + 1e-9) {
        const int w = items[i].wave;
        Violation x{"transfer window",
                    say("violation.transfer_window",
                        {Param::number("wave", w), Param::number("total", total, 1),
                         Param::number("hosts", static_cast<double>(j - i)),
                         Param::number("window", window_, 1)})};
        x.kind = "transfer-window";
        x.waves = {w};
        std::vector<std::uint32_t> too_long;
        for (std::size_t k = i; k < j; ++k) {
          x.hosts.push_back(items[k].host);
          x.groups.push_back(items[k].group);
          if (hosts_[items[k].host].transfer_hours > window_ + 1e-9)
            too_long.push_back(items[k].host);
        }
        std::sort(x.groups.begin(), x.groups.end());
        x.groups.erase(std::unique(x.groups.begin(), x.groups.end()), x.groups.end());
        const std::string& site_name = hosts_[items[i].host].site_name;
        const Param site = site_name.empty() ? Param::list("site", {say("site.unnamed")})
                                             : Param("site", site_name);
        const Param window =
            Param::list("window", {say("transfer.window", {duration("window", window_, true)})});
        const Param needed = duration("total", total, true);
        if (!too_long.empty()) {
          std::vector<Message> copies;
          for (std::size_t k = 0; k < too_long.size() && k < 5; ++k)
            copies.push_back(host_copy(too_long[k]));
          if (too_long.size() > 5)
            copies.push_back(say(
                "list.more", {Param::number("count", static_cast<double>(too_long.size() - 5))}));
          x.reason = say("violation.transfer_window.host_reason",
                         {Param::list("copies", copies), site, window});
          x.fix = say("violation.transfer_window.host_fix", {needed});
        } else {
          x.reason =
              say("violation.transfer_window.group_reason",
                  {groups_param("groups", x.groups),
                   Param::number("hosts", static_cast<double>(j - i)), site, needed, window});
          x.fix = say("violation.transfer_window.group_fix", {site, needed});
        }
        v.push_back(std::move(x));
      }
      i = j;
    }
  }

  const std::vector<WaveGroup>& groups_;
  const std::vector<WaveHost>& hosts_;
  const PlannerConfig& c_;
  double window_;
  std::vector<std::pair<int, int>> deps_;     // (group, group it uses) that order waves
  std::vector<int> unit_of_;                  // per group
  std::vector<std::pair<int, int>> relaxed_;  // light dependencies inside oversized cycles
  std::vector<int> relaxed_cycle_;
  std::vector<int> original_unit_;  // per group: its component before relaxing            // the
                                    // cycle (first components) each came from
  std::vector<Unit> units_;
  std::vector<int> order_, rank_;  // units by priority, and each unit's position
  std::vector<int> wave_;          // per unit, 1-based
  std::vector<char> forced_;       // placed against the criticality rule
  std::vector<double> site_load_;
  std::vector<std::uint32_t> touched_sites_;
  int load_ = 0, placed_ = 0, nonprod_left_ = 0, waves_ = 0, pilots_ = 0;
};

}  // namespace

int wave_cap(const PlannerConfig& c, int number, int pilot_waves) {
  const auto& ramp = c.waves.ramp;
  const std::size_t step = static_cast<std::size_t>(std::max(0, number - pilot_waves - 1));
  const int ramp_cap = ramp[std::min(step, ramp.size() - 1)];
  return std::min(ramp_cap, c.waves.teams * c.waves.hosts_per_team);
}

double transfer_window_hours(const PlannerConfig& c) {
  return c.waves.length_days * c.waves.transfer_hours_per_day;
}

std::string add_days(const std::string& date, int days) {
  using namespace std::chrono;
  const auto y = text::to_i64(date.substr(0, 4)).value_or(1970);
  const auto m = text::to_u64(date.substr(5, 2)).value_or(1);
  const auto d = text::to_u64(date.substr(8, 2)).value_or(1);
  const year_month_day start{year{static_cast<int>(y)}, month{static_cast<unsigned>(m)},
                             day{static_cast<unsigned>(d)}};
  const year_month_day result{sys_days{start} + std::chrono::days{days}};
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(result.year()),
                static_cast<unsigned>(result.month()), static_cast<unsigned>(result.day()));
  return buffer;
}

std::vector<WaveDates> wave_calendar(const PlannerConfig& config, int count) {
  const int length = config.waves.length_days;
  std::vector<WaveDates> out;
  std::string start = config.waves.start_date;
  for (int w = 0; w < count; ++w) {
    WaveDates dates;
    // Dates as YYYY-MM-DD compare like the days they name. Moving past one period may land in
    // another, so the check starts over after each move.
    for (bool moved = true; moved;) {
      moved = false;
      const std::string end = add_days(start, length - 1);
      for (const auto& period : config.waves.blackouts) {
        const auto dots = period.find("..");
        const std::string first = period.substr(0, dots), last = period.substr(dots + 2);
        if (start <= last && first <= end) {
          start = add_days(last, 1);
          dates.after_blackout = period;
          moved = true;
        }
      }
    }
    dates.start = start;
    dates.end = add_days(start, length - 1);
    start = add_days(dates.end, 1);
    out.push_back(std::move(dates));
  }
  return out;
}

WaveSchedule schedule_waves(const std::vector<WaveGroup>& groups,
                            const std::vector<WaveHost>& hosts,
                            const std::vector<std::pair<int, int>>& dependencies,
                            const PlannerConfig& config,
                            const std::vector<std::pair<int, int>>* strong) {
  return Scheduler(groups, hosts, dependencies, config, strong).run();
}

}  // namespace sahab::planner
