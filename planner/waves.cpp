#include "planner/waves.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <numeric>

#include "common/text.h"

namespace sahab::planner {
namespace {

std::string group_name(int g) { return "g-" + std::to_string(g + 1); }

std::string hours_text(double h) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f h", h);
  return buffer;
}

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

class Scheduler {
 public:
  Scheduler(const std::vector<WaveGroup>& groups, const std::vector<WaveHost>& hosts,
            const std::vector<std::pair<int, int>>& deps, const PlannerConfig& c)
      : groups_(groups), hosts_(hosts), c_(c), window_(transfer_window_hours(c)) {
    const std::size_t n = groups.size();
    wave_.assign(n, 0);
    unmet_.assign(n, 0);
    dependents_.resize(n);
    // Dev/test before prod wins over a dev/test host's use of a prod server (hybrid
    // connectivity covers it), so such dependencies do not order waves.
    for (const auto& [g, t] : deps) {
      if (!(groups[g].nonprod && !groups[t].nonprod)) deps_.emplace_back(g, t);
    }
    // Groups in one dependency cycle cannot each wait for the others: within a strongly
    // connected component, dependencies do not block (and are reported if split over waves).
    component_ = strongly_connected_components(n, deps_);
    deps_of_.assign(n, 0);
    for (const auto& [g, t] : deps_) {
      ++deps_of_[g];
      if (component_[g] == component_[t]) continue;
      ++unmet_[g];
      dependents_[t].push_back(g);
    }
    std::uint32_t sites = 0;
    for (const auto& h : hosts) sites = std::max(sites, h.site + 1);
    site_load_.assign(sites, 0);
    order_.resize(n);
    std::iota(order_.begin(), order_.end(), 0);
    std::stable_sort(order_.begin(), order_.end(), [&](int a, int b) { return key(a) < key(b); });
  }

  WaveSchedule run() {
    std::vector<int> remaining = order_;
    int pilots_left = c_.waves.pilot_waves;
    int number = 1, pilots = 0;
    while (!remaining.empty()) {
      const bool pilot = pilots_left > 0;
      const int cap = pilot ? c_.waves.pilot_max_hosts : wave_cap(c_, number, pilots);
      const bool nonprod_phase = groups_[remaining.front()].nonprod;
      int placed = fill(remaining, number, cap, pilot, nonprod_phase);
      if (placed == 0 && pilot) {  // nothing low-risk left: the pilots end early
        pilots_left = 0;
        continue;
      }
      if (placed == 0) {
        // Blocked by a dependency cycle, an ordering across environments or the criticality
        // rule: place the first group anyway; the final check reports what it breaks.
        place(remaining.front(), number);
        placed = static_cast<int>(groups_[remaining.front()].hosts.size());
        placed += fill(remaining, number, cap, pilot, nonprod_phase);
      }
      std::erase_if(remaining, [&](int g) { return wave_[g] != 0; });
      for (auto s : touched_sites_) site_load_[s] = 0;
      touched_sites_.clear();
      if (pilot) {
        --pilots_left;
        ++pilots;
      }
      ++number;
    }
    WaveSchedule out;
    out.wave_of_group = wave_;
    out.waves = number - 1;
    out.pilot_waves = pilots;
    out.violations = check(out);
    return out;
  }

 private:
  std::tuple<int, int, int, std::size_t, std::uint32_t> key(int g) const {
    const auto& group = groups_[g];
    const bool complex = static_cast<int>(group.hosts.size()) >= c_.waves.high_complexity_hosts;
    return {group.nonprod ? 0 : 1, group.high_criticality ? 1 : 0, complex ? 1 : 0,
            group.hosts.size(), group.hosts.front()};
  }

  bool fits_transfer(int g) const {
    // Each site's hosts share its uplink; a host that alone exceeds the window is flagged on the
    // host and may still go, alone on its site.
    std::vector<std::pair<std::uint32_t, double>> need;
    for (auto h : groups_[g].hosts) need.emplace_back(hosts_[h].site, hosts_[h].transfer_hours);
    for (const auto& [site, hours] : need) {
      double total = site_load_[site];
      for (const auto& [s2, h2] : need) total += s2 == site ? h2 : 0;
      if (total > window_ && site_load_[site] > 0) return false;
    }
    return true;
  }

  void place(int g, int number) {
    wave_[g] = number;
    load_ += static_cast<int>(groups_[g].hosts.size());
    for (auto h : groups_[g].hosts) {
      if (site_load_[hosts_[h].site] == 0) touched_sites_.push_back(hosts_[h].site);
      site_load_[hosts_[h].site] += hosts_[h].transfer_hours;
    }
    for (int d : dependents_[g]) --unmet_[d];
  }

  // Adds ready groups in priority order until the wave is full; returns the hosts added.
  int fill(const std::vector<int>& remaining, int number, int cap, bool pilot, bool nonprod_phase) {
    const int before = load_in_wave(number);
    for (bool progress = true; progress;) {
      progress = false;
      for (int g : remaining) {
        if (wave_[g] != 0 || unmet_[g] > 0 || groups_[g].nonprod != nonprod_phase) continue;
        const int size = static_cast<int>(groups_[g].hosts.size());
        const int load = load_in_wave(number);
        if (load >= cap) return load - before;
        if (load + size > cap && load > 0) continue;
        if (pilot && (groups_[g].high_criticality || size >= c_.waves.high_complexity_hosts ||
                      size > cap || deps_of_[g] > 0)) {
          continue;
        }
        if (!pilot && groups_[g].high_criticality && number < c_.waves.high_criticality_min_wave)
          continue;
        if (!fits_transfer(g)) continue;
        place(g, number);
        progress = true;
      }
    }
    return load_in_wave(number) - before;
  }

  int load_in_wave(int number) {
    if (number != load_wave_) {
      load_wave_ = number;
      load_ = 0;
    }
    return load_;
  }

  std::vector<Violation> check(const WaveSchedule& s) const {
    std::vector<Violation> v;
    for (const auto& [g, t] : deps_) {
      if (wave_[t] > wave_[g]) {
        v.push_back({"dependency order", group_name(g) + " (wave " + std::to_string(wave_[g]) +
                                             ") depends on " + group_name(t) +
                                             " which moves later (wave " +
                                             std::to_string(wave_[t]) + ")"});
      }
    }
    std::vector<int> size(s.waves + 1, 0), nonprod(s.waves + 1, 0), prod(s.waves + 1, 0);
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      const int w = wave_[g];
      size[w] += static_cast<int>(groups_[g].hosts.size());
      (groups_[g].nonprod ? nonprod : prod)[w] += 1;
      if (groups_[g].mixed_environment) {
        v.push_back({"environment",
                     group_name(static_cast<int>(g)) +
                         " mixes dev/test and prod hosts (strong dependencies); moved with prod"});
      }
      if (groups_[g].high_criticality && w < c_.waves.high_criticality_min_wave) {
        v.push_back({"criticality", group_name(static_cast<int>(g)) +
                                        " is high criticality in wave " + std::to_string(w) +
                                        " (rule: not before wave " +
                                        std::to_string(c_.waves.high_criticality_min_wave) + ")"});
      }
    }
    std::vector<std::vector<double>> load(s.waves + 1);
    for (int w = 1; w <= s.waves; ++w) {
      const int cap =
          w <= s.pilot_waves ? c_.waves.pilot_max_hosts : wave_cap(c_, w, s.pilot_waves);
      if (size[w] > cap) {
        v.push_back({"wave size", "wave " + std::to_string(w) + " holds " +
                                      std::to_string(size[w]) + " hosts, cap " +
                                      std::to_string(cap) + " (one group larger than the cap)"});
      }
      if (nonprod[w] > 0 && prod[w] > 0) {
        v.push_back(
            {"environment", "wave " + std::to_string(w) + " mixes dev/test and prod groups"});
      }
    }
    // Per-site copy time per wave.
    std::vector<std::pair<std::pair<int, std::uint32_t>, double>> site_hours;
    for (std::size_t g = 0; g < groups_.size(); ++g) {
      for (auto h : groups_[g].hosts)
        site_hours.push_back({{wave_[g], hosts_[h].site}, hosts_[h].transfer_hours});
    }
    std::sort(site_hours.begin(), site_hours.end());
    for (std::size_t i = 0; i < site_hours.size();) {
      std::size_t j = i;
      double total = 0;
      int count = 0;
      while (j < site_hours.size() && site_hours[j].first == site_hours[i].first) {
        total += site_hours[j++].second;
        ++count;
      }
      if (total > window_) {
        v.push_back({"transfer window", "wave " + std::to_string(site_hours[i].first.first) +
                                            ": a site needs " + hours_text(total) +
                                            " of copy for " + std::to_string(count) +
                                            " host(s), the window is " + hours_text(window_)});
      }
      i = j;
    }
    return v;
  }

  const std::vector<WaveGroup>& groups_;
  const std::vector<WaveHost>& hosts_;
  std::vector<std::pair<int, int>> deps_;
  std::vector<int> component_;
  std::vector<int> deps_of_;  // dependencies of each group: pilots take independent groups
  const PlannerConfig& c_;
  double window_;
  std::vector<int> wave_, unmet_, order_;
  std::vector<std::vector<int>> dependents_;
  std::vector<double> site_load_;
  std::vector<std::uint32_t> touched_sites_;
  int load_wave_ = 0, load_ = 0;
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

WaveSchedule schedule_waves(const std::vector<WaveGroup>& groups,
                            const std::vector<WaveHost>& hosts,
                            const std::vector<std::pair<int, int>>& dependencies,
                            const PlannerConfig& config) {
  return Scheduler(groups, hosts, dependencies, config).run();
}

}  // namespace sahab::planner
