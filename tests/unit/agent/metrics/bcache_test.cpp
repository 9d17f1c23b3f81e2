#include "agent/metrics/registry.h"
#include "unit/agent/metrics/procfs_fixtures.h"
#include "unit/agent/metrics/support.h"

using namespace sahab::agent;
using namespace sahab::agent::testing;

TEST_CASE("bcache: cache set, backing and cache devices, bcache's human-readable sizes") {
  const auto families = collect(*make_bcache_collector(procfs_fixture_paths()));
  const std::string uuid = "deaddd54-c735-46d5-868e-f331c5fd7c74";
  const std::vector<std::pair<std::string, std::string>> bdev = {{"backing_device", "bdev0"},
                                                                 {"uuid", uuid}};
  CHECK(value_of(families, "node_bcache_cache_available_percent", {{"uuid", uuid}}) == 100);
  CHECK(value_of(families, "node_bcache_btree_read_average_duration_seconds", {{"uuid", uuid}}) ==
        doctest::Approx(1.305e-6));
  CHECK(value_of(families, "node_bcache_cache_hits_total", bdev) == 546);
  // "1.1M/sec": 1 + 1/10.24 MiB, as bcache's bch_hprint() means it.
  CHECK(value_of(families, "node_bcache_writeback_rate", bdev) == 1150976);
  CHECK(value_of(families, "node_bcache_dirty_target_bytes", bdev) == 21894266880.0);
  CHECK(value_of(families, "node_bcache_writeback_rate_proportional_term", bdev) == 437748);
  CHECK(value_of(families, "node_bcache_metadata_written_bytes_total",
                 {{"cache_device", "cache0"}, {"uuid", uuid}}) == 512);
  CHECK(families.size() == 26);
  TempTree tree;
  CHECK(collect(*make_bcache_collector(tree.paths())).empty());
  tree.write("sys/fs/bcache/0000-1111/tree_depth", "deep\n");
  CHECK_THROWS_AS(collect(*make_bcache_collector(tree.paths())), CollectorError);
}

TEST_CASE("bcache: priority stats on request, from each cache device's priority_stats") {
  Paths paths = procfs_fixture_paths();
  const std::string uuid = "deaddd54-c735-46d5-868e-f331c5fd7c74";
  const std::vector<std::pair<std::string, std::string>> cache = {{"cache_device", "cache0"},
                                                                  {"uuid", uuid}};
  CHECK_FALSE(find_family(collect(*make_bcache_collector(paths)),
                          "node_bcache_priority_stats_unused_percent"));
  paths.options.bcache_priority_stats = true;
  const auto families = collect(*make_bcache_collector(paths));
  CHECK(value_of(families, "node_bcache_priority_stats_unused_percent", cache) == 99);
  CHECK(value_of(families, "node_bcache_priority_stats_metadata_percent", cache) == 0);
  CHECK(families.size() == 28);

  TempTree tree;
  Paths broken = tree.paths();
  broken.options.bcache_priority_stats = true;
  tree.write("sys/fs/bcache/0000-1111/cache0/written", "0\n");
  CHECK_THROWS(collect(*make_bcache_collector(broken)));  // no priority_stats file
  tree.write("sys/fs/bcache/0000-1111/cache0/priority_stats", "Unused:\t\tmost%\nMetadata:\t0%\n");
  CHECK_THROWS_AS(collect(*make_bcache_collector(broken)), CollectorError);
  tree.write("sys/fs/bcache/0000-1111/cache0/priority_stats", "Unused:\t\t12%\n");
  CHECK_THROWS_AS(collect(*make_bcache_collector(broken)), CollectorError);
  tree.write("sys/fs/bcache/0000-1111/cache0/priority_stats", "Unused:\t\t12%\nMetadata:\t3%\n");
  const auto fixed = collect(*make_bcache_collector(broken));
  CHECK(value_of(fixed, "node_bcache_priority_stats_metadata_percent",
                 {{"cache_device", "cache0"}}) == 3);
}

TEST_CASE("bcache: without bcache, success and nothing, looked for again in a while") {
  TempTree tree;
  CHECK(found_nothing(*make_bcache_collector(tree.paths())));
  tree.write("sys/fs/bcache/register", "");
  CHECK_FALSE(found_nothing(*make_bcache_collector(tree.paths())));  // loaded, no cache set yet
}
