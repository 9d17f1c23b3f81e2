#include "agent/metrics/registry.h"
#include "unit/agent/metrics/procfs_fixtures.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("nvme: one info series per controller, trailing blanks trimmed") {
  const auto families = collect(*make_nvme_collector(procfs_fixture_paths()));
  CHECK(value_of(families, "node_nvme_info",
                 {{"device", "nvme0"},
                  {"firmware_revision", "1B2QEXP7"},
                  {"model", "Samsung SSD 970 PRO 512GB"},
                  {"serial", "S680HF8N190894I"},
                  {"state", "live"}}) == 1);
  CHECK(families.size() == 1);
  TempTree tree;
  CHECK(no_data(*make_nvme_collector(tree.paths())));
}
