#include "agent/metrics/node_collector.h"

#include "agent/metrics/registry.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("node collector: a failing collector reports success=0 and others still report") {
  std::vector<NodeCollector::Entry> entries;
  entries.push_back({"cpu", make_cpu_collector(fixture_paths("broken"))});
  entries.push_back({"meminfo", make_meminfo_collector(fixture_paths())});
  const NodeCollector node(std::move(entries));
  for (int scrape = 0; scrape < 2; ++scrape) {
    const auto families = node.Collect();
    CHECK(value_of(families, "node_scrape_collector_success", {{"collector", "cpu"}}) == 0);
    CHECK(value_of(families, "node_scrape_collector_success", {{"collector", "meminfo"}}) == 1);
    CHECK(value_of(families, "node_scrape_collector_duration_seconds", {{"collector", "cpu"}}));
    CHECK_FALSE(find_family(families, "node_cpu_seconds_total"));
    CHECK(value_of(families, "node_memory_MemTotal_bytes"));
  }
}
