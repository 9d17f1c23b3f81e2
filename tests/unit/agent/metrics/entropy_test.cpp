#include "agent/metrics/registry.h"
#include "unit/agent/metrics/procfs_fixtures.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("entropy: available bits and pool size") {
  const auto families = collect(*make_entropy_collector(procfs_fixture_paths()));
  CHECK(value_of(families, "node_entropy_available_bits") == 3943);
  CHECK(value_of(families, "node_entropy_pool_size_bits") == 4096);
  CHECK(families.size() == 2);
  TempTree tree;
  CHECK_THROWS_AS(collect(*make_entropy_collector(tree.paths())), CollectorError);
}
