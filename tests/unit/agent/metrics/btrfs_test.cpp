#include "agent/metrics/registry.h"
#include "unit/agent/metrics/procfs_fixtures.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("btrfs: label, reserve, devices and allocation per block group and RAID profile") {
  const auto families = collect(*make_btrfs_collector(procfs_fixture_paths()));
  const std::string a = "0abb23a9-579b-43e6-ad30-227ef47fcb9d";
  const std::string b = "7f07c59f-6136-449c-ab87-e1cf2328731b";
  CHECK(value_of(families, "node_btrfs_info", {{"label", "fixture"}, {"uuid", a}}) == 1);
  CHECK(value_of(families, "node_btrfs_global_rsv_size_bytes", {{"uuid", a}}) == 16777216);
  CHECK(value_of(families, "node_btrfs_device_size_bytes", {{"device", "loop25"}, {"uuid", a}}) ==
        10737418240.0);
  CHECK(value_of(families, "node_btrfs_used_bytes",
                 {{"block_group_type", "data"}, {"mode", "raid0"}, {"uuid", a}}) == 808189952);
  // raid5 over 4 devices keeps 4 bytes of raw space per 3 of data.
  CHECK(value_of(families, "node_btrfs_allocation_ratio",
                 {{"block_group_type", "data"}, {"mode", "raid5"}, {"uuid", b}}) ==
        doctest::Approx(4.0 / 3));
  CHECK(find_family(families, "node_btrfs_reserved_bytes")->metric.size() == 6);
  TempTree tree;
  CHECK(collect(*make_btrfs_collector(tree.paths())).empty());
}

TEST_CASE("btrfs: the module without a filesystem is success and nothing, looked for again later") {
  TempTree tree;
  tree.write("sys/fs/btrfs/features/raid1c34", "0\n");
  CHECK(found_nothing(*make_btrfs_collector(tree.paths())));
}
