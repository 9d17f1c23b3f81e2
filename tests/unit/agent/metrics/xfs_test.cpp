#include "agent/metrics/registry.h"
#include "unit/agent/metrics/procfs_fixtures.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("xfs: counters per filesystem, lines a file lacks as zeros") {
  const auto families = collect(*make_xfs_collector(procfs_fixture_paths()));
  CHECK(value_of(families, "node_xfs_extent_allocation_extents_allocated_total",
                 {{"device", "sda1"}}) == 1);
  CHECK(value_of(families, "node_xfs_extent_allocation_extents_allocated_total",
                 {{"device", "sdb1"}}) == 2);
  CHECK(value_of(families, "node_xfs_vnode_remove_total", {{"device", "sda1"}}) == 0);
  CHECK(families.size() == 39);
}

TEST_CASE("xfs: every line read in the right place, a short line is an error") {
  TempTree tree;
  CHECK(collect(*make_xfs_collector(tree.paths())).empty());
  tree.write("sys/fs/xfs/dm-0/stats/stats",
             "extent_alloc 92447 97589 92448 93751\n"
             "blk_map 1767055 188820 184891 92447 92448 2140766 0\n"
             "dir 185039 92447 92444 136422\n"
             "ig 185045 58807 0 126238 0 33637 22\n"
             "rw 107739 94045\n"
             "vnodes 92601 0 0 0 92444 92444 92444 0\n");
  tree.write("sys/fs/xfs/stats/stats", "extent_alloc 1 1 1 1\n");  // the global file: not a device
  const auto families = collect(*make_xfs_collector(tree.paths()));
  const std::vector<std::pair<std::string, std::string>> dm0 = {{"device", "dm-0"}};
  CHECK(value_of(families, "node_xfs_extent_allocation_blocks_freed_total", dm0) == 93751);
  CHECK(value_of(families, "node_xfs_block_mapping_extent_list_lookups_total", dm0) == 2140766);
  CHECK(value_of(families, "node_xfs_directory_operation_getdents_total", dm0) == 136422);
  CHECK(value_of(families, "node_xfs_inode_operation_attribute_changes_total", dm0) == 22);
  CHECK(value_of(families, "node_xfs_write_calls_total", dm0) == 107739);
  CHECK(value_of(families, "node_xfs_read_calls_total", dm0) == 94045);
  CHECK(value_of(families, "node_xfs_vnode_active_total", dm0) == 92601);
  CHECK(find_family(families, "node_xfs_read_calls_total")->metric.size() == 1);
  tree.write("sys/fs/xfs/dm-0/stats/stats", "rw 1\n");
  CHECK_THROWS_AS(collect(*make_xfs_collector(tree.paths())), CollectorError);
}

TEST_CASE("xfs: the module without a filesystem is success and nothing, looked for again later") {
  TempTree tree;
  tree.write("sys/fs/xfs/stats/stats", "extent_alloc 0 0 0 0\n");  // the module's own totals
  CHECK(found_nothing(*make_xfs_collector(tree.paths())));
}
