#include "agent/metrics/registry.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("conntrack: table use and per-CPU statistics summed") {
  const auto families = collect(*make_conntrack_collector(fixture_paths()));
  CHECK(value_of(families, "node_nf_conntrack_entries") == 47);
  CHECK(value_of(families, "node_nf_conntrack_entries_limit") == 262144);
  CHECK(value_of(families, "node_nf_conntrack_stat_found") == 0x10 + 1);
  CHECK(value_of(families, "node_nf_conntrack_stat_invalid") == 3 + 1);
  CHECK(value_of(families, "node_nf_conntrack_stat_ignore") == 0xa + 5);
  CHECK(value_of(families, "node_nf_conntrack_stat_insert") == 0x20 + 0x11);
  CHECK(value_of(families, "node_nf_conntrack_stat_insert_failed") == 1);
  CHECK(value_of(families, "node_nf_conntrack_stat_drop") == 2);
  CHECK(value_of(families, "node_nf_conntrack_stat_early_drop") == 3);
  CHECK(value_of(families, "node_nf_conntrack_stat_search_restart") == 4);
  CHECK(families.size() == 10);
}

TEST_CASE("conntrack: no module is no data, a table without its columns is an error") {
  TempTree tree;
  CHECK(no_data(*make_conntrack_collector(tree.paths())));
  tree.write("proc/sys/net/netfilter/nf_conntrack_count", "3\n");
  tree.write("proc/sys/net/netfilter/nf_conntrack_max", "65536\n");
  tree.write("proc/net/stat/nf_conntrack", "entries found\n00000003 00000001\n");
  CHECK_THROWS_WITH_AS(collect(*make_conntrack_collector(tree.paths())),
                       doctest::Contains("no column invalid"), CollectorError);
}
