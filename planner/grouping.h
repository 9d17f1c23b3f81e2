#pragma once
// Move groups: servers that must move together because they talk a lot.
//
// Connections become a weighted graph on host indices. Shared infrastructure (DNS, directory,
// NTP, backup, monitoring: a huge fan-in, or a role label) is kept out, or it would glue the whole
// estate into one group. Strong edges and application labels join hosts (union-find); a group
// larger than the cap is split by size-constrained Louvain community detection, which keeps
// heavily connected hosts together and so minimises the weight of the cut dependencies.
#include <cstdint>
#include <vector>

#include "planner/config.h"
#include "planner/fleet.h"
#include "planner/schedule.h"

namespace sahab::planner {

struct Edge {
  std::uint32_t source = 0;  // client
  std::uint32_t target = 0;  // server
  double connections_per_day = 0;
  double bytes_per_day = 0;
};

struct DependencyGraph {
  std::vector<Edge> edges;   // one per directed pair, sorted by (source, target)
  std::vector<int> clients;  // distinct clients per host
  std::size_t ignored = 0;   // connections naming unknown hosts, or a host to itself
};

DependencyGraph build_dependency_graph(const Fleet& fleet);

struct Grouping {
  std::vector<std::vector<std::uint32_t>> groups;       // ordered by their first host
  std::vector<int> group_of;                            // per host; -1 when it does not move
  std::vector<char> shared;                             // per host
  std::vector<CutDependency> cut;                       // strong edges between different groups
  std::vector<std::pair<int, int>> group_dependencies;  // (dependent group, group it uses)
  std::vector<std::pair<int, int>> strong_group_dependencies;  // those with a strong edge
  std::vector<Violation> violations;
};

// `moving` marks hosts that migrate (not retired, not retained).
Grouping group_hosts(const Fleet& fleet, const DependencyGraph& graph,
                     const std::vector<char>& moving, const PlannerConfig& config);

bool is_strong(const Edge& edge, const PlannerConfig& config);

}  // namespace sahab::planner
