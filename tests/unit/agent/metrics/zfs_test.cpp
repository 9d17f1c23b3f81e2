#include "agent/metrics/registry.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("zfs: kstats, pool I/O, datasets and pool state") {
  const auto families = collect(*make_zfs_collector(fixture_paths()));
  CHECK(value_of(families, "node_zfs_arc_hits") == 8772612);
  CHECK(value_of(families, "node_zfs_arc_c_max") == 8335720448.0);
  CHECK(find_family(families, "node_zfs_arc_size")->help == "kstat.zfs.misc.arcstats.size");
  CHECK(find_family(families, "node_zfs_arc_size")->type == prometheus::MetricType::Untyped);
  // Only uint64 rows (type 4), as node_exporter 1.5: the int64 one is left out.
  CHECK_FALSE(find_family(families, "node_zfs_arc_memory_available_bytes"));
  CHECK(value_of(families, "node_zfs_fm_erpt_dropped") == 18);  // '-' becomes '_'
  CHECK(value_of(families, "node_zfs_zil_zil_commit_count") == 10);
  CHECK(value_of(families, "node_zfs_zpool_nwritten", {{"zpool", "tank"}}) == 3206144);
  CHECK(value_of(families, "node_zfs_zpool_dataset_nwritten",
                 {{"dataset", "tank/home"}, {"zpool", "tank"}}) == 12302);
  CHECK(value_of(families, "node_zfs_zpool_state", {{"state", "online"}, {"zpool", "tank"}}) == 1);
  CHECK(value_of(families, "node_zfs_zpool_state", {{"state", "degraded"}, {"zpool", "tank"}}) ==
        0);
}

TEST_CASE("zfs: no module is no data, a kstat without its header is an error") {
  TempTree tree;
  CHECK(no_data(*make_zfs_collector(tree.paths())));
  tree.write("proc/spl/kstat/zfs/arcstats", "hits 4 1\n");
  CHECK_THROWS_AS(collect(*make_zfs_collector(tree.paths())), CollectorError);
}
