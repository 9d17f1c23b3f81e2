#include "agent/metrics/registry.h"
#include "unit/agent/metrics/procfs_fixtures.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("mdadm: disks, state and sync progress of every array in mdstat") {
  const auto families = collect(*make_mdadm_collector(procfs_fixture_paths()));
  // md6: raid1 [2/1] recovering, one failed and one spare disk.
  CHECK(value_of(families, "node_md_disks", {{"device", "md6"}, {"state", "active"}}) == 1);
  CHECK(value_of(families, "node_md_disks", {{"device", "md6"}, {"state", "failed"}}) == 1);
  CHECK(value_of(families, "node_md_disks", {{"device", "md6"}, {"state", "spare"}}) == 1);
  CHECK(value_of(families, "node_md_disks_required", {{"device", "md6"}}) == 2);
  CHECK(value_of(families, "node_md_state", {{"device", "md6"}, {"state", "recovering"}}) == 1);
  CHECK(value_of(families, "node_md_state", {{"device", "md6"}, {"state", "active"}}) == 0);
  CHECK(value_of(families, "node_md_blocks_synced", {{"device", "md6"}}) == 16775552);
  // md201 is being checked; md9's resync is DELAYED (nothing synced yet).
  CHECK(value_of(families, "node_md_state", {{"device", "md201"}, {"state", "check"}}) == 1);
  CHECK(value_of(families, "node_md_blocks_synced", {{"device", "md9"}}) == 0);
  CHECK(value_of(families, "node_md_state", {{"device", "md9"}, {"state", "resync"}}) == 1);
  // raid0 counts its member disks; an inactive array requires none.
  CHECK(value_of(families, "node_md_disks_required", {{"device", "md101"}}) == 3);
  CHECK(value_of(families, "node_md_disks_required", {{"device", "md4"}}) == 0);
  CHECK(value_of(families, "node_md_state", {{"device", "md4"}, {"state", "inactive"}}) == 1);
  CHECK(value_of(families, "node_md_blocks", {{"device", "md3"}}) == 5853468288.0);
  CHECK(find_family(families, "node_md_blocks")->metric.size() == 17);
}

TEST_CASE("mdadm: no md driver is no data, a truncated mdstat an error") {
  TempTree tree;
  CHECK(no_data(*make_mdadm_collector(tree.paths())));
  tree.write("proc/mdstat", "Personalities : [raid1]\nmd0 : active raid1 sda1[0] sdb1[1]\n");
  CHECK_THROWS_AS(collect(*make_mdadm_collector(tree.paths())), CollectorError);
}
