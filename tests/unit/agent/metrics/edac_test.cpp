#include "agent/metrics/registry.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("edac: errors per controller and per csrow, unplaced errors as csrow unknown") {
  const auto families = collect(*make_edac_collector(fixture_paths()));
  CHECK(value_of(families, "node_edac_correctable_errors_total", {{"controller", "0"}}) == 3);
  CHECK(value_of(families, "node_edac_uncorrectable_errors_total", {{"controller", "0"}}) == 0);
  CHECK(value_of(families, "node_edac_csrow_correctable_errors_total",
                 {{"controller", "0"}, {"csrow", "0"}}) == 2);
  CHECK(value_of(families, "node_edac_csrow_correctable_errors_total",
                 {{"controller", "0"}, {"csrow", "unknown"}}) == 1);
  CHECK(find_family(families, "node_edac_csrow_uncorrectable_errors_total")->metric.size() == 3);
}

TEST_CASE("edac: no EDAC is no series and no error, a missing counter is an error") {
  TempTree tree;
  CHECK(collect(*make_edac_collector(tree.paths())).empty());
  CHECK(found_nothing(*make_edac_collector(tree.paths())));  // looked for again in a while
  tree.write("sys/devices/system/edac/mc/mc1/ce_count", "0\n");
  CHECK_THROWS_AS(collect(*make_edac_collector(tree.paths())), CollectorError);
}
