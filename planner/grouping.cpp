#include "planner/grouping.h"

#include <algorithm>
#include <map>
#include <numeric>
#include <string_view>
#include <unordered_map>

namespace sahab::planner {
namespace {

class UnionFind {
 public:
  explicit UnionFind(std::size_t n) : parent_(n) { std::iota(parent_.begin(), parent_.end(), 0u); }
  std::uint32_t find(std::uint32_t x) {
    while (parent_[x] != x) x = parent_[x] = parent_[parent_[x]];
    return x;
  }
  // The smaller index becomes the root, so results do not depend on edge order.
  void join(std::uint32_t a, std::uint32_t b) {
    a = find(a);
    b = find(b);
    if (a == b) return;
    if (b < a) std::swap(a, b);
    parent_[b] = a;
  }

 private:
  std::vector<std::uint32_t> parent_;
};

double weight_of(const Edge& e) { return e.connections_per_day + e.bytes_per_day / 1e6; }

// An undirected weighted graph in compressed rows, with a size (host count) per node.
struct Level {
  std::vector<std::uint32_t> offsets;  // n + 1
  std::vector<std::uint32_t> neighbours;
  std::vector<double> weights;
  std::vector<double> self;  // weight inside the node (from aggregation)
  std::vector<int> size;
  std::size_t nodes() const { return size.size(); }
};

Level make_level(std::size_t n, std::vector<std::tuple<std::uint32_t, std::uint32_t, double>> edges,
                 std::vector<int> size, std::vector<double> self) {
  // Both directions, then merge duplicates.
  const std::size_t half = edges.size();
  for (std::size_t i = 0; i < half; ++i) {
    auto [a, b, w] = edges[i];
    edges.emplace_back(b, a, w);
  }
  std::sort(edges.begin(), edges.end());
  Level level;
  level.offsets.assign(n + 1, 0);
  level.size = std::move(size);
  level.self = std::move(self);
  for (std::size_t i = 0; i < edges.size();) {
    auto [a, b, w] = edges[i];
    std::size_t j = i + 1;
    while (j < edges.size() && std::get<0>(edges[j]) == a && std::get<1>(edges[j]) == b) {
      w += std::get<2>(edges[j++]);
    }
    level.neighbours.push_back(b);
    level.weights.push_back(w);
    ++level.offsets[a + 1];
    i = j;
  }
  for (std::size_t i = 0; i < n; ++i) level.offsets[i + 1] += level.offsets[i];
  return level;
}

// One Louvain phase: moves nodes between communities while modularity improves and no
// community grows past `cap` hosts. Returns the community of each node, renumbered 0..k-1.
std::vector<std::uint32_t> louvain_phase(const Level& g, int cap, bool& moved_any) {
  const std::size_t n = g.nodes();
  std::vector<std::uint32_t> community(n);
  std::iota(community.begin(), community.end(), 0u);
  std::vector<double> degree(n, 0), total(n, 0);
  std::vector<int> comm_size(g.size);
  double m2 = 0;
  for (std::size_t i = 0; i < n; ++i) {
    degree[i] = 2 * g.self[i];
    for (auto e = g.offsets[i]; e < g.offsets[i + 1]; ++e) degree[i] += g.weights[e];
    total[i] = degree[i];
    m2 += degree[i];
  }
  moved_any = false;
  if (m2 <= 0) return community;
  std::vector<double> link(n, 0);
  std::vector<std::uint32_t> touched;
  for (int pass = 0; pass < 50; ++pass) {
    bool moved = false;
    for (std::uint32_t i = 0; i < n; ++i) {
      const std::uint32_t own = community[i];
      touched.clear();
      for (auto e = g.offsets[i]; e < g.offsets[i + 1]; ++e) {
        const auto c = community[g.neighbours[e]];
        if (link[c] == 0) touched.push_back(c);
        link[c] += g.weights[e];
      }
      total[own] -= degree[i];
      comm_size[own] -= g.size[i];
      std::uint32_t best = own;
      double best_gain = link[own] - total[own] * degree[i] / m2;
      for (auto c : touched) {
        if (c == own || comm_size[c] + g.size[i] > cap) continue;
        const double gain = link[c] - total[c] * degree[i] / m2;
        if (gain > best_gain + 1e-12) {
          best = c;
          best_gain = gain;
        }
      }
      for (auto c : touched) link[c] = 0;
      link[own] = 0;
      total[best] += degree[i];
      comm_size[best] += g.size[i];
      if (best != own) {
        community[i] = best;
        moved = moved_any = true;
      }
    }
    if (!moved) break;
  }
  std::vector<std::int64_t> renumber(n, -1);
  std::uint32_t next = 0;
  for (auto& c : community) {
    if (renumber[c] < 0) renumber[c] = next++;
    c = static_cast<std::uint32_t>(renumber[c]);
  }
  return community;
}

Level aggregate(const Level& g, const std::vector<std::uint32_t>& community, std::size_t k) {
  std::vector<int> size(k, 0);
  std::vector<double> self(k, 0);
  std::vector<std::tuple<std::uint32_t, std::uint32_t, double>> edges;
  for (std::size_t i = 0; i < g.nodes(); ++i) {
    size[community[i]] += g.size[i];
    self[community[i]] += g.self[i];
    for (auto e = g.offsets[i]; e < g.offsets[i + 1]; ++e) {
      const auto j = g.neighbours[e];
      const auto a = community[i], b = community[j];
      if (a == b) {
        if (i < j) self[a] += g.weights[e];
      } else if (a < b) {
        edges.emplace_back(a, b, g.weights[e]);
      }
    }
  }
  return make_level(k, std::move(edges), std::move(size), std::move(self));
}

// Splits one component (nodes are application units) into communities of at most `cap` hosts.
std::vector<std::uint32_t> split(Level level, int cap) {
  std::vector<std::uint32_t> assignment(level.nodes());
  std::iota(assignment.begin(), assignment.end(), 0u);
  for (int round = 0; round < 20; ++round) {
    bool moved = false;
    const auto community = louvain_phase(level, cap, moved);
    if (!moved) break;
    const std::size_t k = *std::max_element(community.begin(), community.end()) + 1;
    for (auto& a : assignment) a = community[a];
    level = aggregate(level, community, k);
  }
  return assignment;
}

}  // namespace

bool is_strong(const Edge& e, const PlannerConfig& c) {
  return e.connections_per_day >= c.grouping.strong_connections_per_day ||
         e.bytes_per_day >= c.grouping.strong_bytes_per_day;
}

DependencyGraph build_dependency_graph(const Fleet& fleet) {
  DependencyGraph graph;
  std::unordered_map<std::string_view, std::uint32_t> index;
  index.reserve(fleet.hosts.size() * 2);
  for (std::uint32_t i = 0; i < fleet.hosts.size(); ++i) index.emplace(fleet.hosts[i].id, i);
  graph.edges.reserve(fleet.connections.size());
  for (const auto& c : fleet.connections) {
    const auto s = index.find(c.source), t = index.find(c.target);
    if (s == index.end() || t == index.end() || s->second == t->second) {
      ++graph.ignored;
      continue;
    }
    graph.edges.push_back({s->second, t->second, c.connections_per_day, c.bytes_per_day});
  }
  std::sort(graph.edges.begin(), graph.edges.end(), [](const Edge& a, const Edge& b) {
    return std::tie(a.source, a.target) < std::tie(b.source, b.target);
  });
  std::vector<Edge> merged;
  merged.reserve(graph.edges.size());
  for (const auto& e : graph.edges) {
    if (!merged.empty() && merged.back().source == e.source && merged.back().target == e.target) {
      merged.back().connections_per_day += e.connections_per_day;
      merged.back().bytes_per_day += e.bytes_per_day;
    } else {
      merged.push_back(e);
    }
  }
  graph.edges = std::move(merged);
  graph.clients.assign(fleet.hosts.size(), 0);
  for (const auto& e : graph.edges) ++graph.clients[e.target];
  return graph;
}

Grouping group_hosts(const Fleet& fleet, const DependencyGraph& graph,
                     const std::vector<char>& moving, const PlannerConfig& c) {
  const std::size_t n = fleet.hosts.size();
  Grouping out;
  out.shared.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string& role = fleet.hosts[i].label("role");
    const bool shared_role =
        std::find(c.grouping.shared_roles.begin(), c.grouping.shared_roles.end(), role) !=
        c.grouping.shared_roles.end();
    out.shared[i] =
        graph.clients[i] >= c.grouping.shared_min_clients || (!role.empty() && shared_role);
  }
  auto groupable = [&](std::uint32_t h) { return moving[h] && !out.shared[h]; };
  // Dev/test and prod never share a group: they move in different waves (dev/test first), so a
  // strong edge between them becomes a cut dependency instead of a mixed group.
  std::vector<char> nonprod(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    std::string env = fleet.hosts[i].label("environment");
    std::transform(env.begin(), env.end(), env.begin(),
                   [](unsigned char ch) { return static_cast<char>(std::tolower(ch)); });
    nonprod[i] = std::find(c.waves.nonprod_environments.begin(), c.waves.nonprod_environments.end(),
                           env) != c.waves.nonprod_environments.end();
  }

  // Application units: hosts of one application (in one commune) never split.
  UnionFind apps(n);
  {
    std::unordered_map<std::string, std::uint32_t> first;
    for (std::uint32_t i = 0; i < n; ++i) {
      const Host& h = fleet.hosts[i];
      const std::string& app = h.label("application");
      if (app.empty() || !groupable(i)) continue;
      std::string key =
          c.grouping.application_per_commune ? h.label("commune") + "\x1f" + app : app;
      key += nonprod[i] ? "\x1f"
                          "nonprod"
                        : "\x1f"
                          "prod";
      const auto [it, inserted] = first.emplace(std::move(key), i);
      if (!inserted) apps.join(it->second, i);
    }
  }
  UnionFind components = apps;
  for (const auto& e : graph.edges) {
    if (groupable(e.source) && groupable(e.target) && is_strong(e, c) &&
        nonprod[e.source] == nonprod[e.target])
      components.join(e.source, e.target);
  }

  // Members of each component, by root, in host order.
  std::vector<std::vector<std::uint32_t>> members(n);
  for (std::uint32_t i = 0; i < n; ++i) {
    if (moving[i]) members[groupable(i) ? components.find(i) : i].push_back(i);
  }
  // Strong edges per component, for the components that need splitting.
  std::vector<std::uint32_t> component_of(n);
  for (std::uint32_t i = 0; i < n; ++i) component_of[i] = groupable(i) ? components.find(i) : i;

  std::vector<std::vector<std::uint32_t>> result;
  std::unordered_map<std::uint32_t, std::vector<const Edge*>> big_edges;
  const int cap = c.grouping.max_group_size;
  for (const auto& e : graph.edges) {
    if (!groupable(e.source) || !groupable(e.target) || !is_strong(e, c)) continue;
    if (nonprod[e.source] != nonprod[e.target]) continue;
    const auto root = component_of[e.source];
    if (static_cast<int>(members[root].size()) > cap) big_edges[root].push_back(&e);
  }
  for (std::uint32_t root = 0; root < n; ++root) {
    auto& hosts = members[root];
    if (hosts.empty()) continue;
    if (static_cast<int>(hosts.size()) <= cap) {
      result.push_back(std::move(hosts));
      continue;
    }
    // Nodes are application units (a host alone is its own unit).
    std::unordered_map<std::uint32_t, std::uint32_t> unit_index;
    std::vector<int> unit_size;
    std::vector<std::uint32_t> unit_of_host(hosts.size());
    for (std::size_t k = 0; k < hosts.size(); ++k) {
      const auto [it, inserted] =
          unit_index.emplace(apps.find(hosts[k]), static_cast<std::uint32_t>(unit_size.size()));
      if (inserted) unit_size.push_back(0);
      ++unit_size[it->second];
      unit_of_host[k] = it->second;
    }
    std::unordered_map<std::uint32_t, std::uint32_t> position;
    for (std::size_t k = 0; k < hosts.size(); ++k)
      position.emplace(hosts[k], static_cast<std::uint32_t>(k));
    std::vector<std::tuple<std::uint32_t, std::uint32_t, double>> edges;
    std::vector<double> self(unit_size.size(), 0);
    for (const Edge* e : big_edges[root]) {
      const auto a = unit_of_host[position[e->source]], b = unit_of_host[position[e->target]];
      if (a == b) {
        self[a] += weight_of(*e);
      } else {
        edges.emplace_back(std::min(a, b), std::max(a, b), weight_of(*e));
      }
    }
    for (std::size_t u = 0; u < unit_size.size(); ++u) {
      if (unit_size[u] > cap) {
        const Param unit_hosts = Param::number("hosts", unit_size[u]);
        Violation v{"group size",
                    say("violation.group_size", {unit_hosts, Param::number("cap", cap)})};
        v.kind = "group-size";
        for (std::size_t k = 0; k < hosts.size(); ++k) {
          if (unit_of_host[k] == u) v.hosts.push_back(hosts[k]);
        }
        v.reason =
            say("violation.group_size.reason",
                {{"application", fleet.hosts[v.hosts.front()].label("application")}, unit_hosts});
        v.fix = say("violation.group_size.fix", {unit_hosts});
        out.violations.push_back(std::move(v));
      }
    }
    const auto community =
        split(make_level(unit_size.size(), std::move(edges), unit_size, self), cap);
    std::map<std::uint32_t, std::vector<std::uint32_t>> parts;
    for (std::size_t k = 0; k < hosts.size(); ++k)
      parts[community[unit_of_host[k]]].push_back(hosts[k]);
    for (auto& [id, part] : parts) result.push_back(std::move(part));
  }
  std::sort(result.begin(), result.end(),
            [](const auto& a, const auto& b) { return a.front() < b.front(); });

  out.group_of.assign(n, -1);
  for (std::size_t g = 0; g < result.size(); ++g) {
    for (auto h : result[g]) out.group_of[h] = static_cast<int>(g);
  }
  out.groups = std::move(result);

  for (const auto& e : graph.edges) {
    const int gs = out.group_of[e.source], gt = out.group_of[e.target];
    if (gs < 0 || gt < 0 || gs == gt || out.shared[e.source] || out.shared[e.target]) continue;
    out.group_dependencies.emplace_back(gs, gt);
    if (is_strong(e, c)) {
      out.strong_group_dependencies.emplace_back(gs, gt);
      out.cut.push_back({e.source, e.target, e.connections_per_day, e.bytes_per_day, true});
    }
  }
  std::sort(out.group_dependencies.begin(), out.group_dependencies.end());
  out.group_dependencies.erase(
      std::unique(out.group_dependencies.begin(), out.group_dependencies.end()),
      out.group_dependencies.end());
  std::sort(out.strong_group_dependencies.begin(), out.strong_group_dependencies.end());
  out.strong_group_dependencies.erase(
      std::unique(out.strong_group_dependencies.begin(), out.strong_group_dependencies.end()),
      out.strong_group_dependencies.end());
  return out;
}

}  // namespace sahab::planner
