#include "agent/metrics/registry.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("vmstat: node_exporter's default field filter, untyped values") {
  const auto families = collect(*make_vmstat_collector(fixture_paths()));
  CHECK(value_of(families, "node_vmstat_pgpgin") == 18519813);
  CHECK(value_of(families, "node_vmstat_pgpgout") == 62980960);
  CHECK(value_of(families, "node_vmstat_pswpin") == 7);
  CHECK(value_of(families, "node_vmstat_pswpout") == 21);
  CHECK(value_of(families, "node_vmstat_pgfault") == 366871642);
  CHECK(value_of(families, "node_vmstat_pgmajfault") == 20893);
  CHECK(value_of(families, "node_vmstat_oom_kill") == 2);
  CHECK(families.size() == 7);  // nr_free_pages, pgalloc_normal, pgrefill... are filtered out
  const auto* family = find_family(families, "node_vmstat_oom_kill");
  REQUIRE(family);
  CHECK(family->type == prometheus::MetricType::Untyped);
  CHECK(family->help == "/proc/vmstat information field oom_kill.");
}

TEST_CASE("vmstat: --collector.vmstat.fields chooses the fields") {
  auto paths = fixture_paths();
  paths.options.vmstat_fields = "^nr_";
  const auto families = collect(*make_vmstat_collector(paths));
  CHECK(value_of(families, "node_vmstat_nr_dirty") == 1082);
  CHECK(families.size() == 3);
  TempTree tree;
  tree.write("proc/vmstat", "pgfault many\n");
  CHECK_THROWS_AS(collect(*make_vmstat_collector(tree.paths())), CollectorError);
}
