#include "planner/grouping.h"

#include <doctest/doctest.h>

#include "support.h"

using namespace sahab::planner;
using namespace sahab::planner::test;

namespace {
Connection link(const std::string& s, const std::string& t, double per_day, double bytes = 1e6) {
  return {s, t, 5432, per_day, bytes};
}
}  // namespace

TEST_CASE(
    "grouping: a chatty pair shares a group and a wave - DNS with 500 clients glues nothing") {
  PlannerConfig config;
  Fleet fleet;
  fleet.hosts.push_back(server("dns"));
  fleet.hosts.push_back(server("app"));
  fleet.hosts.push_back(server("db"));
  for (int i = 0; i < 498; ++i) fleet.hosts.push_back(server("client-" + std::to_string(i), 2, 4));
  fleet.connections.push_back(link("app", "db", 20000, 3e9));
  for (const auto& h : fleet.hosts) {
    if (h.id != "dns")
      fleet.connections.push_back(link(h.id, "dns", 5000, 1e7));  // strong, but shared
  }
  const Plan p = plan(fleet, config, test_catalogs());
  const HostPlan& app = find_host(p, "app");
  const HostPlan& db = find_host(p, "db");
  const HostPlan& dns = find_host(p, "dns");
  CHECK(app.group == db.group);
  CHECK(app.wave == db.wave);
  CHECK(dns.shared_infrastructure);
  CHECK(p.shared_infrastructure.size() == 1);
  CHECK(p.groups.size() == 500);  // app+db together; everyone else alone
  for (const auto& g : p.groups) CHECK(g.hosts.size() <= 2);
  CHECK(p.cut_dependencies.empty());
}

TEST_CASE("grouping: an oversized component is split along its weakest link - which is listed") {
  PlannerConfig config;
  config.grouping.max_group_size = 25;
  Fleet fleet;
  auto clique = [&](const std::string& prefix) {
    for (int i = 0; i < 20; ++i) fleet.hosts.push_back(server(prefix + std::to_string(i), 2, 4));
    for (int i = 0; i < 20; ++i) {
      for (int j = i + 1; j < 20; ++j) {
        fleet.connections.push_back(
            link(prefix + std::to_string(i), prefix + std::to_string(j), 1000));
      }
    }
  };
  clique("a");
  clique("b");
  fleet.connections.push_back(link("a0", "b0", 150));  // strong, but much lighter than the cliques
  const auto graph = build_dependency_graph(fleet);
  const Grouping g = group_hosts(fleet, graph, std::vector<char>(fleet.hosts.size(), 1), config);
  REQUIRE(g.groups.size() == 2);
  CHECK(g.groups[0].size() == 20);
  CHECK(g.groups[1].size() == 20);
  CHECK(g.group_of[0] != g.group_of[20]);
  REQUIRE(g.cut.size() == 1);
  CHECK(g.cut[0].source == 0);
  CHECK(g.cut[0].target == 20);
}

TEST_CASE("grouping: servers of one application in one commune stay together - even unconnected") {
  PlannerConfig config;
  Fleet fleet;
  for (int i = 0; i < 3; ++i) {
    Host h = server("ged-" + std::to_string(i));
    h.labels["application"] = "ged";
    fleet.hosts.push_back(h);
  }
  fleet.hosts[2].labels["commune"] = "Settat";  // another commune's GED is another application
  const auto graph = build_dependency_graph(fleet);
  const Grouping g = group_hosts(fleet, graph, std::vector<char>(3, 1), config);
  CHECK(g.group_of[0] == g.group_of[1]);
  CHECK(g.group_of[2] != g.group_of[0]);
  config.grouping.application_per_commune = false;
  const Grouping global = group_hosts(fleet, graph, std::vector<char>(3, 1), config);
  CHECK(global.group_of[2] == global.group_of[0]);
}

TEST_CASE("grouping: the dependency graph ignores unknown hosts and merges repeated pairs") {
  Fleet fleet;
  fleet.hosts = {server("a"), server("b")};
  fleet.connections = {link("a", "b", 10), link("a", "b", 20), link("a", "ghost", 5),
                       link("a", "a", 5)};
  const auto graph = build_dependency_graph(fleet);
  CHECK(graph.ignored == 2);
  REQUIRE(graph.edges.size() == 1);
  CHECK(graph.edges[0].connections_per_day == 30);
  CHECK(graph.clients[1] == 1);
  CHECK(graph.clients[0] == 0);
}
